import { PageTitle } from '../ui';

export function OrdersPage() {
  return <PageTitle>Orders</PageTitle>;
}
