/**
 * The order of custom fields the import creates, learnt from the key order of the `custom`
 * objects in the file. Pure.
 *
 * An export writes each `custom` object's keys in the organization's field order (position,
 * name, id), but only the fields that have a value, so no single object shows the whole order.
 * Every object shows part of it: consecutive keys are edges of a graph whose topological order
 * (first-seen order among equals) agrees with every object of the file. So the import's fields,
 * positioned in that order, make a re-export write each object's keys in the file's order: two
 * fields whose relative order no object shows never appear together in any object.
 */
export class KeyOrder {
  private readonly firstSeen = new Map<string, number>();
  private readonly successors = new Map<string, Set<string>>();

  /** Records the keys of one object, in their order. */
  observe(keys: readonly string[]): void {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (!this.firstSeen.has(key)) this.firstSeen.set(key, this.firstSeen.size);
      if (i > 0) {
        const before = keys[i - 1];
        let set = this.successors.get(before);
        if (!set) this.successors.set(before, (set = new Set()));
        set.add(key);
      }
    }
  }

  /**
   * Every key seen, in an order consistent with every observed object (Kahn's algorithm,
   * smallest first-seen rank first). A file whose objects contradict each other (a cycle) gets
   * the cycle broken at its first-seen key.
   */
  order(): string[] {
    const rank = this.firstSeen;
    const indegree = new Map<string, number>();
    for (const key of rank.keys()) indegree.set(key, 0);
    for (const set of this.successors.values()) for (const next of set) indegree.set(next, indegree.get(next)! + 1);
    const done = new Set<string>();
    const result: string[] = [];
    const byRank = [...rank.keys()];
    while (result.length < byRank.length) {
      let pick: string | undefined;
      for (const key of byRank) {
        if (!done.has(key) && indegree.get(key) === 0) {
          pick = key;
          break;
        }
      }
      // A cycle: take the earliest-seen key left.
      pick ??= byRank.find((key) => !done.has(key))!;
      done.add(pick);
      result.push(pick);
      for (const next of this.successors.get(pick) ?? []) indegree.set(next, indegree.get(next)! - 1);
    }
    return result;
  }
}
