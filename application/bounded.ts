/**
 * Puts `value` under `key` as the newest entry of a map kept to at most `max` entries: the oldest
 * goes first (a Map iterates in insertion order). For a process's caches.
 */
export const keepBounded = <K, V>(map: Map<K, V>, key: K, value: V, max: number) => {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
};
