import { ConditionalCheckFailedException, type AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * A conditional write: true when it was made, false when its condition did not hold ("another
 * wrote first"), with the item as it was then when the write asked for it
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`); anything else is an error.
 */
export const conditional = async (write: Promise<unknown>): Promise<{ written: true } | { written: false; item?: Record<string, AttributeValue> | undefined }> => {
  try {
    await write;
    return { written: true };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { written: false, item: error.Item };
    throw error;
  }
};
