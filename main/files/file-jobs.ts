// Firmware updates and log fetches as jobs: each gets its own one-time URL on the file server, sends the
// OCPP call, follows the box's status notifications, and ends with what the box said (or what arrived),
// never more. Every job is a row with all its statuses, audited at its start and its end.
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../api/errors.ts';
import type { Logger } from '../log/logger.ts';
import type { IncomingCall } from '../ocpp/local-csms.ts';
import type { OcppService } from '../ocpp/service.ts';
import { recordAudit } from '../store/audit.ts';
import type { Store } from '../store/database.ts';
import { writePrivateFile } from '../store/private-files.ts';
import { BOX_FILES_FOLDER, ensurePrivateDir, insideBoxFiles } from './box-folder.ts';
import {
  getFile,
  getJob,
  insertFile,
  insertJob,
  listFiles,
  listJobs,
  orphanedJobs,
  saveJob,
  storedPathOf,
} from './file-records.ts';
import {
  DEFAULT_FILES_PORT,
  DEFAULT_MAX_UPLOAD_BYTES,
  FileServer,
  type FileServerEvent,
  type ReceivedFile,
  type UploadSlot,
} from './file-server.ts';
import { DEFAULT_FTP_PORT, FtpServer } from './ftp-server.ts';
import { firmwareCall, type JobCall, logCall, startAnswer, statusMeaning } from './job-calls.ts';
import type { BoxFile, BoxFileContent, FileJob, FileJobKind, FileJobState } from './types.ts';

/** Firmware files offered at most (boxes take a few MB to a few hundred). */
export const MAX_FIRMWARE_BYTES = 512 * 1024 * 1024;
/** A file shown in the app through the api (base64 in JSON) at most. */
const MAX_READ_BYTES = 48 * 1024 * 1024;

export interface FileJobsOptions {
  store: Store;
  ocpp: OcppService;
  dataDir: string;
  log?: Logger | undefined;
  /** Where the file server listens; default WBC_FILES_PORT or 9231 (0: any free port). */
  port?: number | undefined;
  /** Where the FTP face listens; default WBC_FTP_PORT or 9221 (0: any free port). */
  ftpPort?: number | undefined;
  /** Largest upload taken (bytes); default WBC_MAX_UPLOAD_MB or 64 MB. */
  maxUploadBytes?: number | undefined;
  /** How long a job waits for the box's final word; default 30 min (firmware), 10 min (logs). */
  jobTimeoutMs?: number | undefined;
}

export interface FirmwareJobInput {
  identity: string;
  /** The firmware: a path on this machine (CLI) or its bytes (the app). */
  path?: string | undefined;
  base64?: string | undefined;
  name: string;
  signature?: string | undefined;
  signingCertificate?: string | undefined;
  retries?: number | undefined;
  retryIntervalS?: number | undefined;
  retrieveAt?: string | undefined;
  /** How the box fetches it: http (default) or ftp, for boxes that only speak FTP. */
  protocol?: FileProtocol | undefined;
}

export type FileProtocol = 'http' | 'ftp';

export interface LogJobInput {
  identity: string;
  type: 'diagnostics' | 'security';
  maxUploadBytes?: number | undefined;
  protocol?: FileProtocol | undefined;
}

interface Running {
  job: FileJob;
  token: string;
  /** 1.6 unsigned firmware and GetDiagnostics carry no requestId: the one running job of its kind is meant. */
  statusAction: string;
  firmwareCopy: string | null;
  timer: NodeJS.Timeout;
  off: () => void;
}

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  const value = Number(raw);
  return raw !== undefined && raw !== '' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The laptop's address a box at remote reaches: the CSMS's one address, else the one sharing most of its prefix. */
function addressFor(addresses: string[], remote: string | null): string {
  if (addresses.length <= 1 || remote === null) return addresses[0] ?? '127.0.0.1';
  const plain = remote.replace(/^::ffff:/, '');
  const shared = (a: string) => {
    let n = 0;
    while (n < a.length && a[n] === plain[n]) n++;
    return n;
  };
  return [...addresses].sort((a, b) => shared(b) - shared(a))[0] ?? '127.0.0.1';
}

export class FileJobs extends EventEmitter {
  readonly server: FileServer;
  readonly ftp: FtpServer;
  readonly #options: FileJobsOptions;
  readonly #running = new Map<number, Running>();
  readonly #maxUploadBytes: number;

  constructor(options: FileJobsOptions) {
    super();
    this.#options = options;
    const mb = envNumber('WBC_MAX_UPLOAD_MB');
    this.#maxUploadBytes =
      options.maxUploadBytes ?? (mb === undefined ? DEFAULT_MAX_UPLOAD_BYTES : Math.round(mb * 1024 * 1024));
    this.server = new FileServer({
      dataDir: options.dataDir,
      log: options.log,
      onReceived: (slot, file) => this.#received(slot, file),
      onEvent: (event) => this.#serverEvent(event),
    });
    this.ftp = new FtpServer({
      dataDir: options.dataDir,
      log: options.log,
      slotFor: (token) => this.server.slotFor(token),
      onReceived: (slot, file) => this.#received(slot, file),
      onEvent: (event) => this.#serverEvent(event),
    });
  }

  get maxUploadBytes(): number {
    return this.#maxUploadBytes;
  }

  jobs(identity: string): FileJob[] {
    this.#expireStale();
    return listJobs(this.#options.store, identity).map((j) => this.#running.get(j.id)?.job ?? j);
  }

  job(id: number): FileJob {
    const job = this.#running.get(id)?.job ?? getJob(this.#options.store, id);
    if (!job) throw new AppError('NOT_FOUND', { entity: 'file job', id });
    return job;
  }

  files(identity: string): BoxFile[] {
    return listFiles(this.#options.store, identity);
  }

  /** A file's bytes, checked to still be what was received. */
  read(id: number): BoxFileContent {
    const file = getFile(this.#options.store, id);
    const stored = storedPathOf(this.#options.store, id);
    if (!file || stored === null) throw new AppError('NOT_FOUND', { entity: 'file', id });
    if (file.size > MAX_READ_BYTES)
      throw new AppError('FILES_TOO_LARGE', { bytes: file.size, max: MAX_READ_BYTES });
    let bytes: Buffer;
    try {
      bytes = readFileSync(insideBoxFiles(this.#options.dataDir, stored));
    } catch (error) {
      throw new AppError('FILES_FILE_GONE', { id }, { cause: error });
    }
    return { file, base64: bytes.toString('base64') };
  }

  /** Path of a stored file on this machine (for the CLI's --out copy). */
  pathOf(id: number): string {
    const stored = storedPathOf(this.#options.store, id);
    if (stored === null) throw new AppError('NOT_FOUND', { entity: 'file', id });
    return insideBoxFiles(this.#options.dataDir, stored);
  }

  async startFirmware(actor: string, input: FirmwareJobInput): Promise<FileJob> {
    const { ocpp, store } = this.#options;
    const session = ocpp.csms.session(input.identity);
    const version = session.ocppVersion;
    this.#refuseSecond(input.identity, 'firmware');
    if (version === '1.6' && (input.signature === undefined) !== (input.signingCertificate === undefined))
      throw new AppError('FILES_SIGNED_NEEDS_BOTH');
    // The firmware is copied in: the job serves what was chosen, even when the original changes.
    let bytes: Buffer;
    if (input.base64 !== undefined) bytes = Buffer.from(input.base64, 'base64');
    else {
      const path = input.path ?? '';
      try {
        if (statSync(path).size > MAX_FIRMWARE_BYTES)
          throw new AppError('FILES_TOO_LARGE', { bytes: statSync(path).size, max: MAX_FIRMWARE_BYTES });
        bytes = readFileSync(path);
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw new AppError('FILES_SOURCE_UNREADABLE', { file: path }, { cause: error });
      }
    }
    if (bytes.length === 0) throw new AppError('FILES_SOURCE_UNREADABLE', { file: input.name });
    if (bytes.length > MAX_FIRMWARE_BYTES)
      throw new AppError('FILES_TOO_LARGE', { bytes: bytes.length, max: MAX_FIRMWARE_BYTES });
    const name = input.name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'firmware.bin';
    const folder = join(this.#options.dataDir, BOX_FILES_FOLDER, '.firmware');
    ensurePrivateDir(folder);
    const copy = join(folder, `${randomBytes(12).toString('hex')}.bin`);
    writePrivateFile(copy, bytes);
    const signed = input.signature !== undefined || input.signingCertificate !== undefined;
    let job: FileJob;
    try {
      job = store.write(() => {
        const created = insertJob(store, {
          identity: input.identity,
          kind: 'firmware',
          ocppVersion: version,
          requestId: null,
          firmware: {
            name,
            size: bytes.length,
            sha256: createHash('sha256').update(bytes).digest('hex'),
            signed,
          },
        });
        recordAudit(store, {
          actor,
          action: 'box.firmware-update',
          entity: 'station',
          entityId: input.identity,
          after: { job: created.id, file: name, size: bytes.length, signed },
        });
        return created;
      });
    } catch (error) {
      rmSync(copy, { force: true });
      throw error;
    }
    let url: { location: string; token: string };
    try {
      url = await this.#url(
        input.identity,
        (jobId) =>
          this.server.offerDownload({
            jobId,
            identity: input.identity,
            path: copy,
            name,
            expiresAt: Date.now() + this.#timeout('firmware'),
          }),
        job.id,
        this.#protocolFor(input.identity, input.protocol),
      );
    } catch (error) {
      rmSync(copy, { force: true });
      throw error;
    }
    const call = firmwareCall(version, {
      location: url.location,
      retrieveAt: input.retrieveAt ? new Date(input.retrieveAt) : new Date(),
      retries: input.retries,
      retryIntervalS: input.retryIntervalS,
      signingCertificate: input.signingCertificate,
      signature: input.signature,
    });
    return this.#begin(job, call, url.token, copy);
  }

  async startLogFetch(actor: string, input: LogJobInput): Promise<FileJob> {
    const { ocpp, store } = this.#options;
    const session = ocpp.csms.session(input.identity);
    const version = session.ocppVersion;
    const kind: FileJobKind = input.type === 'security' ? 'security-log' : 'diagnostics';
    this.#refuseSecond(input.identity, kind);
    const job = store.write(() => {
      const created = insertJob(store, {
        identity: input.identity,
        kind,
        ocppVersion: version,
        requestId: null,
        firmware: null,
      });
      recordAudit(store, {
        actor,
        action: 'box.log-fetch',
        entity: 'station',
        entityId: input.identity,
        after: { job: created.id, kind },
      });
      return created;
    });
    const url = await this.#url(
      input.identity,
      (jobId) =>
        this.server.expectUpload({
          jobId,
          identity: input.identity,
          fileKind: kind,
          maxBytes: input.maxUploadBytes ?? this.#maxUploadBytes,
          expiresAt: Date.now() + this.#timeout(kind),
        }),
      job.id,
      this.#protocolFor(input.identity, input.protocol),
    );
    return this.#begin(job, logCall(version, kind, url.location), url.token, null);
  }

  cancel(actor: string, id: number): FileJob {
    const running = this.#running.get(id);
    if (!running) return this.job(id);
    return this.#end(running, 'cancelled', 'cancelled', actor);
  }

  async close(): Promise<void> {
    for (const running of [...this.#running.values()]) this.#end(running, 'unconfirmed', 'tool-closed');
    await Promise.all([this.server.close(), this.ftp.close()]);
  }

  #timeout(kind: FileJobKind): number {
    const seconds = envNumber('WBC_FILE_JOB_S');
    return (
      this.#options.jobTimeoutMs ??
      (seconds !== undefined ? seconds * 1000 : kind === 'firmware' ? 30 * 60_000 : 10 * 60_000)
    );
  }

  /**
   * Jobs still marked running that no process can be following any more (the tool stopped or crashed
   * during them): older than their kind's timeout, they end unconfirmed. Younger ones are left alone, since
   * another process on this data folder (a running app) may be following them.
   */
  #expireStale(): void {
    const { store } = this.#options;
    if (!store.db.open) return;
    const now = Date.now();
    const stale = orphanedJobs(store).filter(
      (job) => !this.#running.has(job.id) && now - Date.parse(job.startedAt) > this.#timeout(job.kind),
    );
    if (stale.length === 0) return;
    store.write(() => {
      for (const job of stale)
        saveJob(store, { ...job, state: 'unconfirmed', reason: 'tool-restarted', endedAt: store.now() });
    });
  }

  #refuseSecond(identity: string, kind: FileJobKind): void {
    for (const r of this.#running.values()) {
      if (r.job.identity === identity && (r.job.kind === 'firmware') === (kind === 'firmware'))
        throw new AppError('FILES_JOB_RUNNING', { identity, job: r.job.id });
    }
  }

  /**
   * The protocol asked for; else ftp when the box's last configuration read lists FTP and no HTTP in
   * SupportedFileTransferProtocols (1.6) / OCPPCommCtrlr.FileTransferProtocols (2.0.1); else http.
   */
  #protocolFor(identity: string, asked: FileProtocol | undefined): FileProtocol {
    if (asked !== undefined) return asked;
    const entry = this.#options.ocpp
      .latestSnapshot(identity)
      ?.entries.find(
        (e) =>
          e.key === 'SupportedFileTransferProtocols' ||
          (e.component?.name === 'OCPPCommCtrlr' && e.variable?.name === 'FileTransferProtocols'),
      );
    const listed = (entry?.value ?? '').split(',').map((p) => p.trim().toUpperCase());
    return listed.includes('FTP') && !listed.some((p) => p.startsWith('HTTP')) ? 'ftp' : 'http';
  }

  /** Starts the file server (or its FTP face) if needed, bound where the CSMS is, and gives the box's URL. */
  async #url(
    identity: string,
    make: (jobId: number) => { token: string; path: string },
    jobId: number,
    protocol: FileProtocol,
  ): Promise<{ location: string; token: string }> {
    const status = this.#options.ocpp.status();
    const addresses = [...new Set(status.urls.map((u) => new URL(u).hostname.replace(/^\[|\]$/g, '')))];
    const face = protocol === 'ftp' ? this.ftp : this.server;
    if (!face.running) {
      const port =
        protocol === 'ftp'
          ? (this.#options.ftpPort ?? envNumber('WBC_FTP_PORT') ?? DEFAULT_FTP_PORT)
          : (this.#options.port ?? envNumber('WBC_FILES_PORT') ?? DEFAULT_FILES_PORT);
      try {
        await face.listen(addresses.length === 1 ? (addresses[0] as string) : '0.0.0.0', port);
      } catch (error) {
        this.#fail(jobId, 'file-server-down');
        throw error;
      }
    }
    const { token, path } = make(jobId);
    const host = addressFor(addresses, this.#options.ocpp.csms.box(identity)?.remoteAddress ?? null);
    const shown = host.includes(':') ? `[${host}]` : host;
    if (protocol === 'http') return { token, location: `http://${shown}:${this.server.port}${path}` };
    // FTP: the token is the password; the firmware's name (or nothing: the box adds its log's name) is the path.
    const name = path.startsWith('/files/fw/') ? (path.split('/').pop() ?? '') : '';
    return { token, location: `ftp://wbc:${token}@${shown}:${this.ftp.port}/${name}` };
  }

  #fail(jobId: number, reason: string): void {
    const job = getJob(this.#options.store, jobId);
    if (!job) return;
    const ended = { ...job, state: 'failed' as const, reason, endedAt: this.#options.store.now() };
    this.#options.store.write(() => saveJob(this.#options.store, ended));
    this.emit('job', ended);
  }

  async #begin(job: FileJob, call: JobCall, token: string, firmwareCopy: string | null): Promise<FileJob> {
    const { ocpp, store } = this.#options;
    job.requestId = call.requestId;
    const running: Running = {
      job,
      token,
      statusAction: call.statusAction,
      firmwareCopy,
      timer: setTimeout(
        () => this.#end(running, running.job.fileId !== null ? 'done' : 'unconfirmed', 'timeout'),
        this.#timeout(job.kind),
      ),
      off: () => {},
    };
    running.timer.unref?.();
    this.#running.set(job.id, running);
    running.off = ocpp.csms.onIncoming(job.identity, (incoming) => this.#incoming(running, incoming));
    store.write(() => saveJob(store, job));
    this.emit('job', job);
    let answer: unknown;
    try {
      answer = await ocpp.csms.session(job.identity).call(call.action, call.payload);
    } catch (error) {
      this.#end(running, 'failed', error instanceof AppError ? error.code : 'call-failed');
      throw error;
    }
    const started = startAnswer(answer);
    if (!started.accepted) {
      this.#end(running, 'failed', 'box-rejected', undefined, started.status ?? undefined);
      throw new AppError('FILES_BOX_REFUSED', {
        identity: job.identity,
        action: call.action,
        status: started.status ?? '',
      });
    }
    this.#note(running, { status: 'accepted', by: 'tool', at: store.now() });
    return running.job;
  }

  #incoming(running: Running, incoming: IncomingCall): void {
    if (incoming.action !== running.statusAction) return;
    const params = incoming.params;
    const status = typeof params.status === 'string' ? params.status : '';
    if (status === '') return;
    // 2.0.1 and the signed/log calls name their request; a notification for another request is not ours.
    if (
      running.job.requestId !== null &&
      typeof params.requestId === 'number' &&
      params.requestId !== running.job.requestId
    )
      return;
    const at = this.#options.store.now();
    running.job.lastBoxStatus = status;
    this.#note(running, { status, by: 'box', at });
    const meaning = statusMeaning(running.job.kind, status);
    const tooLarge = running.job.statuses.some((s) => s.status === 'refused-too-large');
    if (meaning === 'failure') this.#end(running, 'failed', tooLarge ? 'too-large' : status);
    else if (meaning === 'success') {
      if (running.job.kind === 'firmware') this.#end(running, 'done', null);
      // The box says it uploaded: done only when the file is here; else that is what failed.
      else if (running.job.fileId !== null) this.#end(running, 'done', null);
      else this.#end(running, 'failed', tooLarge ? 'too-large' : 'nothing-arrived');
    }
  }

  #note(running: Running, status: FileJob['statuses'][number]): void {
    running.job.statuses.push(status);
    this.#options.store.write(() => saveJob(this.#options.store, running.job));
    this.emit('job', running.job);
  }

  #received(slot: UploadSlot, file: ReceivedFile): number {
    const { store } = this.#options;
    const running = this.#running.get(slot.jobId);
    const stored = store.write(() => {
      const row = insertFile(store, slot.identity, slot.jobId, slot.fileKind, file);
      recordAudit(store, {
        actor: 'file-server',
        action: 'box.file-received',
        entity: 'station',
        entityId: slot.identity,
        after: { job: slot.jobId, file: row.id, size: file.size, via: file.via },
      });
      return row;
    });
    if (running) {
      running.job.fileId = stored.id;
      this.#note(running, { status: 'received', by: 'tool', at: store.now(), bytes: file.size });
    }
    this.emit('file', stored);
    return stored.id;
  }

  #serverEvent(event: FileServerEvent): void {
    const running = event.jobId === null ? undefined : this.#running.get(event.jobId);
    const at = this.#options.store.now();
    if (event.type === 'refused') {
      this.#options.log?.log('warn', 'file server refused a request', {
        reason: event.reason,
        status: event.httpStatus,
        job: event.jobId,
      });
      if (running)
        this.#note(running, {
          status: `refused-${event.reason}`,
          by: 'tool',
          at,
          httpStatus: event.httpStatus,
          ...(event.bytes === undefined ? {} : { bytes: event.bytes }),
        });
      return;
    }
    if (running)
      this.#note(running, {
        status: !event.complete ? 'served-partly' : event.from > 0 ? 'served-resumed' : 'served',
        by: 'tool',
        at,
        bytes: event.bytes,
        ...(event.from > 0 ? { from: event.from } : {}),
      });
  }

  #end(
    running: Running,
    state: FileJobState,
    reason: string | null,
    actor?: string,
    boxStatus?: string,
  ): FileJob {
    const { store } = this.#options;
    clearTimeout(running.timer);
    running.off();
    this.server.revoke(running.token);
    this.#running.delete(running.job.id);
    if (running.firmwareCopy) rmSync(running.firmwareCopy, { force: true });
    const job: FileJob = {
      ...running.job,
      state,
      reason: reason ?? null,
      endedAt: store.now(),
      ...(boxStatus === undefined ? {} : { lastBoxStatus: boxStatus }),
    };
    running.job = job;
    store.write(() => {
      saveJob(store, job);
      recordAudit(store, {
        actor: actor ?? 'file-server',
        action: 'box.file-job-ended',
        entity: 'station',
        entityId: job.identity,
        after: { job: job.id, kind: job.kind, state, reason: job.reason, lastBoxStatus: job.lastBoxStatus },
      });
    });
    this.emit('job', job);
    if (this.#running.size === 0) void Promise.all([this.server.close(), this.ftp.close()]);
    return job;
  }
}
