import { PageTitle } from '../ui';

export function AppsPage() {
  return <PageTitle>Apps</PageTitle>;
}
