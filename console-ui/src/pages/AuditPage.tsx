import { PageTitle } from '../ui';

export function AuditPage() {
  return <PageTitle>Audit</PageTitle>;
}
