import { PageTitle } from '../ui';

export function UsersPage() {
  return <PageTitle>Users</PageTitle>;
}
