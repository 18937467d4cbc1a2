// One Temporal server process's config: its own service's ports, the others' left unbound, the
// shared PostgreSQL stores and the cluster's one frontend address.
import { serverConfig, type ClusterSettings } from '../../../tools/cluster/server-config';

const settings: ClusterSettings = {
  pg: { host: '127.0.0.1', port: 54339, user: 'postgres', password: 'pw' },
  numHistoryShards: 4,
  frontendAddress: '127.0.0.1:7333',
  dynamicConfigFile: '/x/dynamicconfig.yaml',
  logLevel: 'warn',
};

test("a history instance binds its own ports only, and finds the stores and the frontends' address", () => {
  const c = serverConfig(settings, { service: 'history', index: 2, grpcPort: 7341, membershipPort: 7441 }) as any;
  expect(c.services.history.rpc).toEqual({ grpcPort: 7341, membershipPort: 7441, bindOnLocalHost: true });
  expect(c.services.frontend.rpc.grpcPort).toBe(0);
  expect(c.persistence.numHistoryShards).toBe(4);
  expect(c.persistence.datastores.default.sql).toMatchObject({
    pluginName: 'postgres12',
    databaseName: 'temporal',
    connectAddr: '127.0.0.1:54339',
    user: 'postgres',
    password: 'pw',
  });
  expect(c.persistence.datastores.visibility.sql.databaseName).toBe('temporal_visibility');
  expect(c.clusterMetadata.clusterInformation.active.rpcAddress).toBe('127.0.0.1:7333');
  expect(c.dynamicConfigClient.filepath).toBe('/x/dynamicconfig.yaml');
});

test('a frontend instance also binds its HTTP API', () => {
  const c = serverConfig(settings, { service: 'frontend', index: 1, grpcPort: 7343, membershipPort: 7443, httpPort: 7543 }) as any;
  expect(c.services.frontend.rpc).toEqual({ grpcPort: 7343, membershipPort: 7443, bindOnLocalHost: true, httpPort: 7543 });
  expect(c.services.history.rpc.grpcPort).toBe(0);
});
