// A Heidelberg Energy Control on Modbus TCP (127.0.0.1), the project's simulator driven by the shipped
// register map: firmware 0x104, installation current 16 A, failsafe 6 A; closed when the test ends.
import type { TestContext } from 'node:test';
import { loadRegisterMap } from '../../main/drivers/modbus/register-map.ts';
import { RegisterBank } from '../../main/simulator/modbus-bank.ts';
import { startTcpModbusServer, type TcpModbusServer } from '../../main/simulator/modbus-tcp.ts';

export async function heidelbergOnTcp(
  t: TestContext,
): Promise<{ bank: RegisterBank; server: TcpModbusServer }> {
  const bank = new RegisterBank(loadRegisterMap('heidelberg-energy-control'), {
    charging_state: 3,
    software_revision: 0x104,
    max_current: 16,
    failsafe_current: 6,
  });
  const server = await startTcpModbusServer(new Map([[1, bank]]));
  t.after(() => server.close());
  return { bank, server };
}
