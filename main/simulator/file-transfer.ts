// The box side of file transfers, as real firmware does it: download the firmware from the URL the CSMS
// gave (HTTP GET), report Downloading .. Installed or a failure; upload a log file (multipart POST or raw
// PUT with its name appended) for GetDiagnostics / GetLog and report Uploading .. Uploaded or the failure.
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { type Answer, reply } from './link.ts';
import { int, isRecord, type Payload, text } from './payload.ts';

export interface SimFileOptions {
  /** How a firmware update ends (default Installed). InvalidSignature on a 1.6 unsigned update (whose
   *  status list lacks it) is reported as InstallationFailed. */
  firmwareOutcome?: 'Installed' | 'InstallationFailed' | 'InvalidSignature' | 'DownloadFailed';
  /** How a log goes up: multipart POST, field `file` (default), or a raw PUT to the URL + "/" + its name. */
  uploadVia?: 'multipart' | 'put';
  /** Bytes of the log it uploads (default about 2 KB of text). */
  logBytes?: number;
  /** What its log says (default lines of "simulated log line", logBytes long); a test may plant a secret. */
  logText?: string;
  /** The name it gives the log (default <kind>-<identity>.log); a test may give a hostile one. */
  logName?: string;
  /** Between status steps, ms (default 20). */
  stepMs?: number;
  /** The box's FTP client for ftp:// locations (the simulator has none of its own; tests give it curl).
   *  Without it an ftp:// location fails as on a box that cannot speak FTP. */
  ftp?: FtpClient;
  /** The protocols it lists (e.g. "FTP") in 1.6 SupportedFileTransferProtocols or 2.0.1
   *  OCPPCommCtrlr.FileTransferProtocols; the key or variable is absent when not given. */
  transferProtocols?: string;
}

export interface FtpClient {
  /** The file's bytes, or null when the download failed. */
  download(url: string): Promise<Buffer | null>;
  /** Uploads to the location (a folder URL: the client appends the name); true when the server took it. */
  upload(url: string, name: string, content: Buffer): Promise<boolean>;
}

export interface FileTransferPort {
  send(method: string, params: Payload): Promise<Payload | null>;
  later(ms: number, fn: () => void): NodeJS.Timeout;
  log(line: string): void;
}

interface HttpResult {
  status: number;
  body: Buffer;
}

function http(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    // A server that refuses mid-body (413) answers first and closes: the answer counts, not the broken pipe.
    req.on('error', reject);
    req.end(body);
  });
}

export class SimFileTransfer {
  readonly #port: FileTransferPort;
  readonly #options: SimFileOptions;
  readonly #version: '1.6' | '2.0.1';
  readonly #identity: () => string;
  #firmware: { sha256: string; size: number } | null = null;

  constructor(
    port: FileTransferPort,
    version: '1.6' | '2.0.1',
    identity: () => string,
    options: SimFileOptions = {},
  ) {
    this.#port = port;
    this.#version = version;
    this.#identity = identity;
    this.#options = options;
  }

  /** The firmware it last downloaded (its hash and size), for tests. */
  lastFirmware(): { sha256: string; size: number } | null {
    return this.#firmware;
  }

  /** 1.6 UpdateFirmware: no status in the answer, progress by FirmwareStatusNotification. */
  updateFirmware16(p: Payload): Answer {
    return reply({}, () => void this.#install(text(p.location), null, 'FirmwareStatusNotification', false));
  }

  /** 1.6 SignedUpdateFirmware and 2.0.1 UpdateFirmware: the firmware block with requestId. */
  updateFirmwareSigned(p: Payload, statusAction: string): Answer {
    const firmware = isRecord(p.firmware) ? p.firmware : {};
    const signed = typeof firmware.signature === 'string' || typeof firmware.signingCertificate === 'string';
    const requestId = int(p.requestId) ?? null;
    return reply(
      { status: 'Accepted' },
      () => void this.#install(text(firmware.location), requestId, statusAction, signed),
    );
  }

  /** 1.6 GetDiagnostics: answers the file name, then uploads to the location. */
  getDiagnostics(p: Payload): Answer {
    const name = this.#logName('diagnostics');
    return reply(
      { fileName: name.slice(0, 255) },
      () => void this.#upload(text(p.location), name, null, 'DiagnosticsStatusNotification'),
    );
  }

  /** GetLog (2.0.1, and 1.6 with the security extension). */
  getLog(p: Payload): Answer {
    const log = isRecord(p.log) ? p.log : {};
    const name = this.#logName(p.logType === 'SecurityLog' ? 'security' : 'diagnostics');
    const requestId = int(p.requestId) ?? null;
    return reply(
      { status: 'Accepted', filename: name.slice(0, 255) },
      () => void this.#upload(text(log.remoteLocation), name, requestId, 'LogStatusNotification'),
    );
  }

  #logName(kind: string): string {
    return this.#options.logName ?? `${kind}-${this.#identity().replace(/[^A-Za-z0-9_-]/g, '_')}.log`;
  }

  #pause(): Promise<void> {
    return new Promise((resolve) => this.#port.later(this.#options.stepMs ?? 20, resolve));
  }

  async #status(action: string, status: string, requestId: number | null): Promise<void> {
    await this.#pause();
    this.#port.log(`${action}: ${status}`);
    await this.#port.send(action, { status, ...(requestId === null ? {} : { requestId }) });
  }

  async #install(location: string, requestId: number | null, action: string, signed: boolean): Promise<void> {
    const outcome = this.#options.firmwareOutcome ?? 'Installed';
    await this.#status(action, 'Downloading', requestId);
    let downloaded: HttpResult | null = null;
    if (outcome !== 'DownloadFailed') {
      try {
        if (location.startsWith('ftp://')) {
          const bytes = (await this.#options.ftp?.download(location)) ?? null;
          downloaded = bytes === null ? null : { status: 200, body: bytes };
        } else downloaded = await http(location, 'GET', {});
      } catch (error) {
        this.#port.log(`firmware download failed: ${String(error)}`);
      }
    }
    if (downloaded?.status !== 200) {
      await this.#status(action, 'DownloadFailed', requestId);
      return;
    }
    this.#firmware = {
      sha256: createHash('sha256').update(downloaded.body).digest('hex'),
      size: downloaded.body.length,
    };
    await this.#status(action, 'Downloaded', requestId);
    const canSayInvalidSignature = signed || this.#version === '2.0.1';
    if (outcome === 'InvalidSignature' && canSayInvalidSignature) {
      await this.#status(action, 'InvalidSignature', requestId);
      return;
    }
    if (signed) await this.#status(action, 'SignatureVerified', requestId);
    await this.#status(action, 'Installing', requestId);
    await this.#status(action, outcome === 'Installed' ? 'Installed' : 'InstallationFailed', requestId);
  }

  #logContent(): Buffer {
    if (this.#options.logText !== undefined) return Buffer.from(this.#options.logText, 'utf8');
    const size = this.#options.logBytes ?? 2048;
    const line = Buffer.from(`${new Date().toISOString()} [${this.#identity()}] simulated log line\n`);
    const out = Buffer.alloc(size);
    for (let at = 0; at < size; at += line.length) line.copy(out, at, 0, Math.min(line.length, size - at));
    return out;
  }

  async #upload(location: string, name: string, requestId: number | null, action: string): Promise<void> {
    await this.#status(action, 'Uploading', requestId);
    const content = this.#logContent();
    let result: HttpResult | null = null;
    try {
      if (location.startsWith('ftp://')) {
        const taken = (await this.#options.ftp?.upload(location, name, content)) ?? false;
        result = { status: taken ? 200 : 0, body: Buffer.alloc(0) };
      } else if ((this.#options.uploadVia ?? 'multipart') === 'put') {
        result = await http(
          `${location.replace(/\/+$/, '')}/${encodeURIComponent(name)}`,
          'PUT',
          {
            'Content-Type': 'application/octet-stream',
            'Content-Length': String(content.length),
          },
          content,
        );
      } else {
        const boundary = `----simbox${randomBytes(8).toString('hex')}`;
        const body = Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name.replace(/"/g, '')}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
          ),
          content,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        result = await http(
          location,
          'POST',
          {
            'Content-Type': `multipart/form-data; boundary=${boundary}`,
            'Content-Length': String(body.length),
          },
          body,
        );
      }
    } catch (error) {
      this.#port.log(`log upload failed: ${String(error)}`);
    }
    const ok = result !== null && result.status >= 200 && result.status < 300;
    if (!ok) this.#port.log(`log upload refused: HTTP ${result?.status ?? 'none'}`);
    const failed = action === 'DiagnosticsStatusNotification' ? 'UploadFailed' : 'UploadFailure';
    await this.#status(action, ok ? 'Uploaded' : failed, requestId);
  }
}
