// The addresses to enter into a box while the local CSMS runs: each URL with a copy button, the network
// it belongs to (interface and subnet, to tell the site's LAN from a VPN) and a QR code for the box's app.
import type { LanAddress } from '../../../main/ocpp/lan-addresses.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

function networkText(t: ReturnType<typeof useI18n>['t'], lan: LanAddress): string {
  if (lan.interfaceName && lan.subnet)
    return t('csms.lan.network', { address: lan.address, name: lan.interfaceName, subnet: lan.subnet });
  return lan.address;
}

export function CsmsAddresses({ lan }: { lan: LanAddress[] }) {
  const { t } = useI18n();
  return (
    <ul className="urls" data-testid="csms-urls">
      {lan.map((entry, index) => (
        <li key={entry.url} data-testid={`csms-lan-${index}`}>
          <code>
            <span id={`csms-url-${index}`}>{entry.url}</span>
            <span className="identity-suffix">
              /<var>{t('csms.urls.identity')}</var>
            </span>
          </code>
          <CopyButton
            text={entry.url}
            targetId={`csms-url-${index}`}
            label={t('csms.copy.label', { url: entry.url })}
          />
          <span className="hint lan-network">
            {networkText(t, entry)}
            {entry.internal && ` — ${t('csms.lan.internal')}`}
          </span>
          <details className="lan-qr">
            <summary data-testid={`csms-qr-show-${index}`}>{t('csms.lan.qr.show')}</summary>
            <img
              src={`data:image/svg+xml;utf8,${encodeURIComponent(entry.qrSvg)}`}
              alt={t('csms.lan.qr.alt', { url: entry.url })}
              width={180}
              height={180}
              data-testid={`csms-qr-${index}`}
            />
          </details>
        </li>
      ))}
    </ul>
  );
}
