import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerScan } from './scan.js';
import { registerGit } from './git.js';
import { registerFiles } from './files.js';
import { registerVault } from './vault.js';
import { registerBindings } from './bindings.js';
import { registerSkill } from './skill.js';
import { registerLocking } from './locking.js';
import { registerAgents } from './agents.js';
import { registerApprovals } from './approvals.js';
import { registerAudit } from './audit.js';
import { registerApprovalPage } from './approvals-serve.js';
import { registerTeam } from './team.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** Every command group; each lives in its own module and only adds itself here. */
export const COMMANDS: RegisterCommand[] = [registerScan, registerGit, registerFiles, registerVault, registerBindings, registerLocking, registerApprovals, registerAudit, registerApprovalPage, registerSkill, registerAgents, registerTeam];
