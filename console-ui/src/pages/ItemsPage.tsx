import { PageTitle } from '../ui';

export function ItemsPage() {
  return <PageTitle>Items</PageTitle>;
}
