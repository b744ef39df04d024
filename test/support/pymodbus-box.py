# A Modbus slave from pymodbus (Debian python3-pymodbus 3.0), an implementation this project did not
# write, holding a Heidelberg Energy Control's registers. Usage: pymodbus-box.py tcp PORT | rtu PATH
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartSerialServer, StartTcpServer
from pymodbus.transaction import ModbusRtuFramer

holding = [0] * 300
holding[257] = 0      # watchdog timeout
holding[261] = 160    # max current, 0.1 A
holding[262] = 60     # failsafe current, 0.1 A
inputs = [0] * 300
inputs[4] = 0x108     # register layout version
inputs[5] = 7         # C2 charging
inputs[6] = 98        # L1 9.8 A
inputs[7] = 101       # L2 10.1 A
inputs[17] = 1        # energy since installation, high word
inputs[18] = 2        # low word
inputs[203] = 0x104   # software revision

slave = ModbusSlaveContext(
    hr=ModbusSequentialDataBlock(0, holding),
    ir=ModbusSequentialDataBlock(0, inputs),
    zero_mode=True,
)
context = ModbusServerContext(slaves={1: slave}, single=False)
print("starting", flush=True)
if sys.argv[1] == "tcp":
    StartTcpServer(context=context, address=("127.0.0.1", int(sys.argv[2])))
else:
    # No parity: Linux refuses it on a pty and pyserial raises (FIELD-NOTES).
    StartSerialServer(
        context=context, framer=ModbusRtuFramer, port=sys.argv[2], baudrate=19200, parity="N", timeout=0.005
    )
