// The files api (files.*) merged into main/api/handlers.ts: start a firmware update or a log fetch on a box,
// follow and cancel its job, list the box's files and read one. A path on this machine is taken from the
// CLI only; the app sends the firmware's bytes.
import { AppError } from '../api/errors.ts';
import type { Handlers } from '../api/router.ts';
import type { FileJobs } from './file-jobs.ts';

export type FilesMethod =
  | 'files.firmwareUpdate'
  | 'files.fetchLog'
  | 'files.jobs'
  | 'files.job'
  | 'files.cancel'
  | 'files.list'
  | 'files.read';

export function filesHandlers(files: FileJobs): Pick<Handlers, FilesMethod> {
  return {
    'files.firmwareUpdate': (p, ctx) => {
      if (p.path !== undefined && ctx.face !== 'cli')
        throw new AppError('BAD_REQUEST', { detail: 'path is for the command line; send the file' });
      return files.startFirmware(ctx.actor, p);
    },
    'files.fetchLog': (p, ctx) => files.startLogFetch(ctx.actor, p),
    'files.jobs': (p) => files.jobs(p.identity),
    'files.job': (p) => files.job(p.id),
    'files.cancel': (p, ctx) => files.cancel(ctx.actor, p.id),
    'files.list': (p) => files.files(p.identity),
    'files.read': (p) => files.read(p.id),
  };
}
