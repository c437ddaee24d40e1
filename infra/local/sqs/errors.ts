/**
 * The errors the local SQS answers, as SQS's JSON protocol does: `__type` is the SDK's shape name
 * (`com.amazonaws.sqs#QueueDoesNotExist`, so the v3 client throws its `QueueDoesNotExist` class),
 * and `x-amzn-query-error` carries the older awsQuery code (`AWS.SimpleQueueService.NonExistentQueue`),
 * which the client sets as the error's `Code`.
 */
export class SqsError extends Error {
  constructor(
    /** The shape name, without namespace. */
    readonly type: string,
    /** The awsQuery error code. */
    readonly queryCode: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export const queueDoesNotExist = () => new SqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
export const invalidParameter = (reason: string) =>
  new SqsError('InvalidParameterValue', 'InvalidParameterValue', `One or more parameters are invalid. Reason: ${reason}`);
export const missingParameter = (name: string) => new SqsError('MissingParameter', 'MissingParameter', `The request must contain the parameter ${name}.`);
export const batchError = (type: string, message: string) => new SqsError(type, `AWS.SimpleQueueService.${type}`, message);
