import { PageTitle } from '../ui';

export function RefundsPage() {
  return <PageTitle>Refunds</PageTitle>;
}
