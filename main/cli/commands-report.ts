// `wbc report` and `wbc bundle`: a commissioning report of one run or of a whole site (PDF or HTML, in the
// language of --lang), or the support zip, written to a file only its owner may read, by the api calls the app uses.
import { writePrivateFile } from '../store/private-files.ts';
import { type Command, call, numberArg, print, t, usage, withApi } from './context.ts';
import { siteNamed } from './find-named.ts';

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
      writePrivateFile(out, Buffer.from(file.base64, 'base64'));
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
      writePrivateFile(out, Buffer.from(bundle.base64, 'base64'));
      print(ctx, { file: out, files: bundle.files, leftOut: bundle.leftOut }, () => {
        ctx.output.out(t(ctx, 'cli.bundle.written', { file: out, count: bundle.files.length }));
        if (bundle.leftOut.length > 0)
          ctx.output.out(
            t(ctx, 'cli.bundle.leftOut', { files: bundle.leftOut.map((f) => f.path).join(', ') }),
          );
      });
    }),
};
