import { PageTitle } from '../ui';

export function ConfigurationPage() {
  return <PageTitle>Configuration</PageTitle>;
}
