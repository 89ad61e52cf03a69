import type { Command } from 'commander';
import { staffRoles, type StaffMember } from '../../functions/core/auth/staff';
import { isAppError } from '../../functions/core/errors';
import { cliActor } from './cli-actor';
import { addDataOptions, dataConnection, type DataOptions } from './data-options';
import { fail } from './fail';


const OPTION_OF_FIELD: Record<string, string> = { email: '--email', role: '--role', studies: '--study', name: '--name' };

/** Runs `work` against the local data or the deployment, turning the use cases' refusals into one line. */
async function withStaffData<T>(opts: DataOptions, command: string, work: (data: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> {
  const data = await connect(opts, command);
  try {
    return await work(data);
  } catch (error) {
    if (isAppError(error)) {
      // The use cases name request fields; name the option the user typed instead.
      const option = error.field ? OPTION_OF_FIELD[error.field] : undefined;
      fail(option && error.field ? `${option}: ${error.message.replace(new RegExp(`^${error.field}: `), '')}` : error.message);
    }
    throw error;
  } finally {
    await data.close();
  }
}

async function connect(opts: DataOptions, command: string) {
  const { connectToData } = await import('../local/data-connection');
  return connectToData(dataConnection(opts, command));
}

const describeMember = (m: StaffMember) => `${m.role} ${m.email}${m.role === 'admin' ? ' (every study)' : ` (studies: ${m.studies.join(', ') || 'none yet'})`}`;

export function registerStaffCommand(program: Command): void {
  const staff = program
    .command('staff')
    .description('Manage staff accounts (admins, coordinators, analysts): the way to create the first admin of a deployment.')
    .addHelpText(
      'after',
      `
Works on the local platform (running or not), or on a deployment: --deployment with the file
\`npx cdk deploy --all --outputs-file cdk-outputs.json\` wrote (or RESEARCH_TABLE, CONTACTS_TABLE
and AWS_REGION in the environment), with AWS credentials.
Every change is recorded in the audit trail as made by this machine's user.

Examples:
  npx timepoint staff add --email pi@example.org --role coordinator --study demo
  npx timepoint staff add --email you@site.org --role admin --deployment cdk-outputs.json
  npx timepoint staff list
  npx timepoint staff remove --email pi@example.org`,
    );

  addDataOptions(
    staff
      .command('add')
      .description('Create a staff account, or change the role and studies of an existing one.')
      .requiredOption('--email <address>', 'the address they sign in with (a one-time link is emailed to it)')
      .requiredOption('--role <role>', `one of ${staffRoles.join(', ')}`)
      .option('--study <id>', 'a study they work on (repeatable; admins see every study)', (v: string, all: string[]) => [...all, v], [] as string[])
      .option('--name <name>', 'their name as the console shows it (default: the part of the address before @)'),
  ).action(async (opts: DataOptions & { email: string; role: string; study: string[]; name?: string }) => {
    if (!(staffRoles as readonly string[]).includes(opts.role)) fail(`--role: must be one of ${staffRoles.join(', ')} (got "${opts.role}")`);
    const { putStaffMember } = await import('../../functions/use-cases/manage-staff');
    await withStaffData(opts, 'staff add', async (data) => {
      const before = await data.deps.staff.get(opts.email.toLowerCase());
      const member = await putStaffMember(data.deps, cliActor(), opts.email, {
        name: opts.name ?? before?.name ?? opts.email.split('@')[0],
        role: opts.role,
        studies: opts.study,
      });
      const verb = before ? `Updated (was ${describeMember(before)})` : 'Added';
      process.stdout.write(`${verb}: ${describeMember(member)}, in ${data.where}.\n`);
      process.stdout.write(`They sign in at ${data.config.TIMEPOINT_BASE_URL}/ with that address.\n`);
    });
  });

  addDataOptions(staff.command('list').description('List the staff accounts with their roles and studies.').option('--json', 'machine-readable output')).action(
    async (opts: DataOptions & { json?: boolean }) => {
      await withStaffData(opts, 'staff list', async (data) => {
        const members = (await data.deps.staff.list()).sort((a, b) => a.email.localeCompare(b.email));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(members.map(({ email, name, role, studies }) => ({ email, name, role, studies })), null, 2)}\n`);
          return;
        }
        if (members.length === 0) {
          process.stdout.write(`No staff accounts in ${data.where}. Create the first admin with:\n  npx timepoint staff add --email you@site.org --role admin\n`);
          return;
        }
        const rows = members.map((m) => [m.email, m.role, m.role === 'admin' ? '(every study)' : m.studies.join(', '), m.name]);
        const head = ['email', 'role', 'studies', 'name'];
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
        const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
        process.stdout.write(`${[line(head), ...rows.map(line)].join('\n')}\n`);
      });
    },
  );

  addDataOptions(
    staff
      .command('remove')
      .description('Remove a staff account; its sessions end at once.')
      .requiredOption('--email <address>', 'the account to remove'),
  ).action(async (opts: DataOptions & { email: string }) => {
    const { removeStaffMember } = await import('../../functions/use-cases/manage-staff');
    await withStaffData(opts, 'staff remove', async (data) => {
      await removeStaffMember(data.deps, cliActor(), opts.email);
      process.stdout.write(`Removed ${opts.email.toLowerCase()} from ${data.where}; their sessions have ended.\n`);
    });
  });
}
