import { PageTitle } from '../ui';

export function DashboardPage() {
  return <PageTitle>Dashboard</PageTitle>;
}
