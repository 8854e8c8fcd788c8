// `applications [--json]` and `applications export --csv`: what the secretariat and tests read.
import { spreadsheetCsv } from '../spreadsheet.ts';
import type { Config } from '../config.ts';
import type { Texts } from '../bot/texts.ts';
import { FORM } from '../application/form.ts';
import type { ApplicationView } from '../application/service.ts';
import { withApp } from './with-app.ts';

async function loadAll(config: Config): Promise<{ all: ApplicationView[]; texts: Texts }> {
  return withApp(config, async (app) => ({
    all: await app.modules.application.applications.listAll(),
    texts: app.services.texts,
  }));
}

export function applicationJson(app: ApplicationView) {
  return {
    id: app.id,
    number: app.number,
    status: app.status,
    applicant: { channel: app.channel, userId: app.userId },
    fields: app.fields,
    documentFileId: app.documentFileId,
    scanFileId: app.scanFileId,
    submittedAt: app.submittedAt?.toISOString() ?? null,
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}

export async function listApplicationsCommand(config: Config, opts: { json?: boolean }): Promise<void> {
  const { all, texts } = await loadAll(config);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(all.map(applicationJson), null, 2)}\n`);
    return;
  }
  if (all.length === 0) console.log(texts.t('application.cli_none'));
  for (const app of all) {
    console.log(
      [
        app.number ?? '—',
        statusName(texts, app.status),
        app.fields.orgName ?? texts.t('application.org_unnamed'),
        `${app.channel}:${app.userId}`,
        app.updatedAt.toISOString(),
      ].join('\t'),
    );
  }
}

export async function exportApplicationsCommand(config: Config, opts: { csv?: boolean }): Promise<void> {
  if (!opts.csv) throw new Error('请指定导出格式：--csv (specify --csv)');
  const { all, texts } = await loadAll(config);
  const header = [
    texts.t('application.csv_number'),
    texts.t('application.csv_status'),
    ...FORM.map((f) => texts.t(`application.field_${f.key}`)),
    texts.t('application.csv_applicant'),
    texts.t('application.csv_submitted_at'),
    texts.t('application.csv_scan'),
    texts.t('application.csv_updated_at'),
  ];
  const rows = all.map((app) => [
    app.number ?? '',
    statusName(texts, app.status),
    ...FORM.map((f) => app.fields[f.key] ?? ''),
    `${app.channel}:${app.userId}`,
    app.submittedAt?.toISOString() ?? '',
    texts.t(app.scanFileId ? 'application.csv_yes' : 'application.csv_no'),
    app.updatedAt.toISOString(),
  ]);
  process.stdout.write(spreadsheetCsv(header, rows));
}

function statusName(texts: Texts, status: string): string {
  const key = `application.status_${status}`;
  return texts.has(key) ? texts.t(key) : status;
}
