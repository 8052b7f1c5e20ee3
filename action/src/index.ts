// The bundle's entry: nothing happens at import time except starting the action.
import { run } from './main.js';

await run();
