// Test hooks: make an endpoint answer with an error, a Retry-After, a broken body, or slowly.

export interface DemoFault {
  /** Any method when absent. */
  method?: string;
  /** Exact path, a prefix when it ends with `*`, or a RegExp; matched against the decoded-free pathname. */
  path: string | RegExp;
  /** Answer with this status instead of the real handler (after any delay). */
  status?: number;
  headers?: Record<string, string>;
  /** Raw body to send with `status`, e.g. '{"dags": [' for malformed JSON. Default {"detail":"injected fault"}. */
  body?: string;
  /** Wait this long (real milliseconds) before answering. */
  delayMs?: number;
  /** How many matching requests it applies to; unlimited when absent. */
  times?: number;
}

function matches(fault: DemoFault, method: string, path: string): boolean {
  if (fault.method !== undefined && fault.method.toUpperCase() !== method) return false;
  if (fault.path instanceof RegExp) return fault.path.test(path);
  return fault.path.endsWith('*') ? path.startsWith(fault.path.slice(0, -1)) : path === fault.path;
}

export function createFaults(initial: DemoFault[] = []) {
  const rules: { fault: DemoFault; left: number }[] = [];
  const add = (fault: DemoFault) => rules.push({ fault, left: fault.times ?? Infinity });
  initial.forEach(add);
  return {
    add,
    clear() {
      rules.length = 0;
    },
    /** The first rule matching this request, counted as used. */
    take(method: string, path: string): DemoFault | null {
      const index = rules.findIndex((rule) => rule.left > 0 && matches(rule.fault, method, path));
      if (index < 0) return null;
      const rule = rules[index]!;
      rule.left -= 1;
      if (rule.left <= 0) rules.splice(index, 1);
      return rule.fault;
    },
  };
}

export type Faults = ReturnType<typeof createFaults>;
