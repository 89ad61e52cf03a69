import { readFileSync } from 'node:fs';
import { LocalSetupError } from './local-setup-error';

/**
 * The settings a command needs to reach a deployment, from the file `npx cdk deploy --outputs-file`
 * writes: the data stack's table names and region, and the site's URL. One deployment per file.
 */
export function deploymentSettings(file: string): Record<'RESEARCH_TABLE' | 'CONTACTS_TABLE' | 'AWS_REGION', string> & { TIMEPOINT_BASE_URL?: string } {
  let outputs: Record<string, Record<string, string>>;
  try {
    outputs = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
  } catch (error) {
    throw new LocalSetupError(`--deployment: cannot read ${file} (${error instanceof Error ? error.message : String(error)})`);
  }
  const stacks = Object.entries(outputs ?? {}).filter(([, values]) => values && typeof values === 'object');
  const data = stacks.filter(([, values]) => typeof values.ResearchTable === 'string' && typeof values.ContactsTable === 'string');
  if (data.length === 0) {
    throw new LocalSetupError(`--deployment: ${file} has no Timepoint data stack outputs (ResearchTable, ContactsTable): write it with npx cdk deploy --all --outputs-file ${file}`);
  }
  if (data.length > 1) {
    throw new LocalSetupError(`--deployment: ${file} holds several deployments (${data.map(([name]) => name).join(', ')}): keep one per file`);
  }
  const [name, values] = data[0]!;
  const app = stacks.find(([stack, v]) => stack === name.replace(/-Data$/, '-App') && typeof v.Url === 'string')?.[1];
  return {
    RESEARCH_TABLE: values.ResearchTable!,
    CONTACTS_TABLE: values.ContactsTable!,
    AWS_REGION: values.Region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'eu-west-2',
    ...(app?.Url ? { TIMEPOINT_BASE_URL: app.Url } : {}),
  };
}
