// The preload bridge: exposes window.commissioner (call a method, listen to events) and nothing
// else. No Node, no ipcRenderer, no electron object reaches the page.
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import type { EventName } from '../main/api/contract.ts';
import type { BridgeApi, Reply } from '../main/api/wire.ts';

const bridge: BridgeApi = {
  call: (method: string, params: unknown) => ipcRenderer.invoke('wbc:call', method, params) as Promise<Reply>,
  on(listener) {
    const wrapped = (_event: IpcRendererEvent, name: EventName, payload: unknown) => listener(name, payload);
    ipcRenderer.on('wbc:event', wrapped);
    return () => ipcRenderer.removeListener('wbc:event', wrapped);
  },
};

contextBridge.exposeInMainWorld('commissioner', bridge);
