// The log function every layer accepts (the notifier, the live loop), apart from any one logger: headless
// mode passes jsonLogger() (headless/json-logger.ts), tests pass a function that records.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A plain log function: what createNotifier accepts, so any logger can be adapted in one line. */
export type LogFn = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;
