// The benchmark reads the Temporal server's eager-dispatch counter from its Prometheus text (bench/prometheus.ts).
import { sumSeries } from '../../bench/prometheus';

const text = [
  '# HELP activity_eager_execution activity_eager_execution counter',
  '# TYPE activity_eager_execution counter',
  'activity_eager_execution{namespace="default",operation="RespondWorkflowTaskCompleted"} 12',
  'activity_eager_execution_total{namespace="other"} 3',
  'activity_eager_execution 1',
  'activity_eager_execution_latency_bucket{le="1"} 100',
  'workflow_eager_execution{namespace="default"} 7',
].join('\n');

describe('sumSeries', () => {
  it('adds every sample of the series, with labels or without and in its _total form', () => {
    expect(sumSeries(text, 'activity_eager_execution')).toBe(16);
  });

  it('counts no other series, however alike its name', () => {
    expect(sumSeries(text, 'workflow_eager_execution')).toBe(7);
    expect(sumSeries(text, 'eager_execution')).toBe(0);
    expect(sumSeries('', 'activity_eager_execution')).toBe(0);
  });
});
