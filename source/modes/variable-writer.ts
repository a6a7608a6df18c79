// The variable writer lives in fleet/ (each instance writes its own Airflow); re-exported for the modes.
export { variableWriterFor } from '../fleet/variable-writer.js';
