export { startDemoServer, type DemoServer, type DemoStats, type StartDemoOptions } from './server.js';
export {
  createScenario,
  DEMO_DAGS,
  DEMO_POOLS,
  DEMO_USERS,
  type DemoDagSpec,
  type DemoPoolSpec,
  type DemoScenario,
  type DemoTaskSpec,
} from './scenario.js';
export type { DemoFault } from './faults.js';
export { createPlanner, planRun, runIdFor, type Planner, type RunPlan } from './plan.js';
export {
  worldBetween,
  poolsAt,
  ACTIVE_LOOKBACK_MS,
  type DemoRunState,
  type DemoTaskState,
  type DemoPoolState,
} from './world.js';
export { demoVariables } from './variables.js';
export {
  startDemoFleet,
  demoInstanceName,
  offlineAt,
  FLAKY_OUTAGES,
  MIN_DEMO_INSTANCES,
  MAX_DEMO_INSTANCES,
  type DemoInstance,
  type Outages,
} from './fleet.js';
