// The file jobs and files of one box as React state: files.jobs and files.list once, then every files.job
// event for that box (a job replaced in place; the files reloaded when one arrived or a job ended).
import { useCallback, useEffect, useState } from 'react';
import type { WireError } from '../../../main/api/errors.ts';
import type { BoxFile, FileJob } from '../../../main/files/types.ts';
import { asWireError, useConnection } from '../../api/hooks.ts';

export function useFiles(identity: string) {
  const api = useConnection();
  const [jobs, setJobs] = useState<FileJob[]>([]);
  const [files, setFiles] = useState<BoxFile[]>([]);
  const [error, setError] = useState<WireError>();

  const reloadFiles = useCallback(() => {
    api
      .call('files.list', { identity })
      .then(setFiles)
      .catch((e: unknown) => setError(asWireError(e)));
  }, [api, identity]);

  useEffect(() => {
    let live = true;
    const off = api.on('files.job', (job) => {
      if (job.identity !== identity) return;
      setJobs((prev) => [job, ...prev.filter((j) => j.id !== job.id)].sort((a, b) => b.id - a.id));
      if (job.fileId !== null || job.state !== 'running') reloadFiles();
    });
    const load = () => {
      api
        .call('files.jobs', { identity })
        .then((list) => live && setJobs(list))
        .catch((e: unknown) => live && setError(asWireError(e)));
      reloadFiles();
    };
    load();
    const offState = api.onState((s) => s === 'connected' && load());
    return () => {
      live = false;
      off();
      offState();
    };
  }, [api, identity, reloadFiles]);

  return { jobs, files, error };
}

/** A file the user chose, as base64 for the api (which speaks JSON). */
export function fileAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
