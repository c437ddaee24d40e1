/**
 * Types the cascade's streams hold under an older name: a stored event keeps its name; it is read,
 * and published, under the new one. (No zod here: the forwarder imports it.)
 */
export const CASCADE_RENAMED: Readonly<Record<string, string>> = { SecurityAlertRaised: 'CascadeTargetDrifted' };

/** The name an event of a stream is known by now. */
export const currentTypeOf = (streamId: string, type: string) => (streamId.includes('#CASCADE#') && Object.hasOwn(CASCADE_RENAMED, type) ? CASCADE_RENAMED[type]! : type);
