// The box-log masking read on its own (a pure function: no wire to talk over): the shapes the bundle test
// does not plant (a line cut off mid-frame, a 2.0.1 report, Digest, SOAP, quoted attributes), and text that
// holds no credential comes out exactly as it went in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BundleRedaction } from '../../main/diagnostics/bundle-redaction.ts';

const mask = (text: string) => new BundleRedaction([]).logText(text);

test('credentials in the less common shapes are masked and their names kept; text without any is left as written', () => {
  const cases: Array<[string, string]> = [
    [
      'rx [2,"45","ChangeConfiguration",{"key":"AuthorizationKey","value":"Cut-Off-Key-a1a1 and more',
      'rx [2,"45","ChangeConfiguration",{"key":"AuthorizationKey","value":"***',
    ],
    [
      '{"reportData":[{"component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"},"variableAttribute":[{"type":"Actual","value":"Report-Pw-b2b2"}]}]}',
      '{"reportData":[{"component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"},"variableAttribute":[{"type":"Actual","value":"***"}]}]}',
    ],
    [
      '> GET /log HTTP/1.1 Authorization: Digest username="wb", response="c3c3c3c3c3"',
      '> GET /log HTTP/1.1 Authorization: Digest ***',
    ],
    [
      '<soap:Body><key>AuthorizationKey</key><value>Soap-Key-d4d4</value></soap:Body>',
      '<soap:Body><key>AuthorizationKey</key><value>***</value></soap:Body>',
    ],
    ['psk="two words e5e5" <net password=\'f6f6 f6f6\'/>', 'psk="***" <net password=\'***\'/>'],
    ["mqtt:\n  pass: 'h8h8 two words'\n  port: 1883", "mqtt:\n  pass: '***'\n  port: 1883"],
    ["cfg {'api_token': 'j9j9 j9j9', 'port': 80}", "cfg {'api_token': '***', 'port': 80}"],
    [
      '{"header":{"Authorization":"Basic V0ItMTpnN2c3Zzc="},"path":"/ocpp"}',
      '{"header":{"Authorization":"Basic ***"},"path":"/ocpp"}',
    ],
  ];
  for (const [line, masked] of cases) assert.equal(mask(line), masked);
  // Reading JSON and XML in a log must not touch what holds no credential.
  const plain = [
    '2026-12-06 12:00:01 [OCPP] send [2,"1","Heartbeat",{}]',
    '{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"300"}]}',
    '{"idTag":"04A1B2C3","SessionTimeout":30,"tokenType":"Bearer","passive":true}',
    '<Config><Host>csms.example</Host><Port>443</Port></Config>',
    'GET https://csms.example/ocpp/WB-1 HTTP/1.1 { unbalanced "quote',
    '{"msg":"{\\"status\\":\\"Accepted\\"}"} {not json} {}',
  ].join('\n');
  assert.equal(mask(plain), plain);
});
