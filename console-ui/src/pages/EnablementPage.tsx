import { PageTitle } from '../ui';

export function EnablementPage() {
  return <PageTitle>Enablement</PageTitle>;
}
