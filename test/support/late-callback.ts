// For tests of a payment callback that reaches a purchase while no worker runs: which
// recordPayment updates the API sent, and whether the Temporal server holds them yet. A test waits
// on that before it starts a worker, so the update and whatever else is pending (the payment
// timer's fire) are handed to the worker in one workflow task.
import { isGrpcServiceError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { recordPaymentUpdate } from '../../workflows/definitions';

/** gRPC status NOT_FOUND: the server has no such update (yet). */
const GRPC_NOT_FOUND = 5;

/**
 * Starts noting the IDs of the recordPayment updates sent through `client` (the API's: it makes
 * the IDs up). Returns the IDs noted so far, and a function that stops noting.
 */
export function watchRecordPaymentUpdates(client: Client): { ids: string[]; stop(): void } {
  const service = client.workflowService;
  const original = service.updateWorkflowExecution;
  const ids: string[] = [];
  service.updateWorkflowExecution = ((req: temporal.api.workflowservice.v1.IUpdateWorkflowExecutionRequest) => {
    const updateId = req.request?.meta?.updateId;
    if (req.request?.input?.name === recordPaymentUpdate.name && updateId) ids.push(updateId);
    return original(req);
  }) as typeof original;
  return { ids, stop: () => void (service.updateWorkflowExecution = original) };
}

/** True once the server has admitted the update (it holds it for the workflow's next task). */
export async function updateAdmitted(client: Client, workflowId: string, updateId: string): Promise<boolean> {
  try {
    await client.connection.withDeadline(Date.now() + 5_000, () =>
      client.workflowService.pollWorkflowExecutionUpdate({
        namespace: client.options.namespace,
        updateRef: { workflowExecution: { workflowId }, updateId },
        identity: 'vpay-test',
        waitPolicy: {
          lifecycleStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED,
        },
      }),
    );
    return true;
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) return false;
    throw err;
  }
}
