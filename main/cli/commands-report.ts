// `wbc report` and `wbc bundle`: a commissioning report of one run or of a whole site (PDF or HTML, in the
// language of --lang), or the support zip, written to a file only its owner may read, by the api calls the app uses.
import { AppError } from '../api/errors.ts';
import { writePrivateFile } from '../store/private-files.ts';
import { type Command, call, numberArg, print, t, usage, withApi } from './context.ts';
import { siteNamed } from './find-named.ts';

const outReasons: Record<string, string> = {
  ENOENT: 'OUT_NO_FOLDER',
  ENOTDIR: 'OUT_NO_FOLDER',
  EACCES: 'OUT_DENIED',
  EPERM: 'OUT_DENIED',
  EROFS: 'OUT_DENIED',
  EISDIR: 'OUT_IS_FOLDER',
};

/** The report or the zip into --out (owner only); a path that cannot take it is a typed error, not a crash. */
function writeOut(out: string, bytes: Buffer): void {
  try {
    writePrivateFile(out, bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new AppError('REPORT_OUT_UNWRITABLE', { file: out, reason: outReasons[code] ?? code });
  }
}

const reportUsage = 'report --run ID|--site NAME|--fleet ID --out FILE [--format pdf|html]';

export const reportCommand: Command = {
  name: 'report',
  usage: reportUsage,
  summaryKey: 'cli.report.summary',
  options: ['run', 'site', 'fleet', 'out', 'format'],
  run: (ctx) =>
    withApi(ctx, async (core) => {
      const { run, site, fleet, out } = ctx.options;
      const chosen = [run, site, fleet].filter((o) => o !== undefined).length;
      if (!out || chosen !== 1) {
        usage(ctx, reportUsage);
        return;
      }
      // The schema judges the format: anything but pdf or html is refused with the field named.
      const format = (ctx.options.format ?? 'pdf') as 'pdf' | 'html';
      const file =
        run !== undefined
          ? await call(core, 'report.run', {
              runId: numberArg(run) as number,
              format,
              language: ctx.language,
            })
          : fleet !== undefined
            ? await call(core, 'report.fleet', { fleetId: fleet, format, language: ctx.language })
            : await call(core, 'report.site', {
                siteId: (await siteNamed(core, site as string)).id,
                format,
                language: ctx.language,
              });
      writeOut(out, Buffer.from(file.base64, 'base64'));
      print(ctx, { file: out, mime: file.mime, boxes: file.boxes }, () =>
        ctx.output.out(
          t(ctx, file.boxes === 1 ? 'report.review.written.one' : 'cli.report.written', {
            file: out,
            boxes: file.boxes,
          }),
        ),
      );
    }),
};

const bundleUsage = 'bundle [--identity ID] --out FILE.zip';

export const bundleCommand: Command = {
  name: 'bundle',
  usage: bundleUsage,
  summaryKey: 'cli.bundle.summary',
  options: ['identity', 'out'],
  run: (ctx) =>
    withApi(ctx, async (core) => {
      const { out, identity } = ctx.options;
      if (!out) {
        usage(ctx, bundleUsage);
        return;
      }
      const bundle = await call(core, 'support.bundle', { identity, language: ctx.language });
      writeOut(out, Buffer.from(bundle.base64, 'base64'));
      print(ctx, { file: out, files: bundle.files, leftOut: bundle.leftOut }, () => {
        ctx.output.out(t(ctx, 'cli.bundle.written', { file: out, count: bundle.files.length }));
        if (bundle.leftOut.length > 0)
          ctx.output.out(
            t(ctx, 'cli.bundle.leftOut', { files: bundle.leftOut.map((f) => f.path).join(', ') }),
          );
      });
    }),
};
