// While the local CSMS serves wss://: the CA certificate a box at security profile 2 must trust, to
// download and install, with the SHA-256 fingerprint to compare on the box and the names it covers.
import type { CsmsTlsInfo } from '../../../main/ocpp/types.ts';
import { saveBlob } from '../../api/save-file.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export const CA_FILE_NAME = 'wallbox-commissioner-ca.pem';

function download(pem: string) {
  saveBlob(CA_FILE_NAME, new Blob([`${pem.trim()}\n`], { type: 'application/x-pem-file' }));
}

export function CsmsCertificate({ tls }: { tls: CsmsTlsInfo }) {
  const { t, language } = useI18n();
  return (
    <div className="csms-certificate" data-testid="csms-certificate">
      <h4>{t('csms.ca.title')}</h4>
      <p>{t('csms.ca.intro')}</p>
      <dl>
        <dt>{t('csms.ca.fingerprint')}</dt>
        <dd>
          <code id="csms-ca-fingerprint" data-testid="csms-ca-fingerprint">
            {tls.caFingerprint}
          </code>
          <CopyButton
            text={tls.caFingerprint}
            targetId="csms-ca-fingerprint"
            label={t('csms.ca.copyFingerprint')}
          />
        </dd>
        <dt>{t('csms.ca.names')}</dt>
        <dd>
          <code>{tls.serverNames.join(', ')}</code>
        </dd>
        <dt>{t('csms.ca.validTo')}</dt>
        <dd>{new Date(tls.caValidTo).toLocaleDateString(language)}</dd>
      </dl>
      <button type="button" className="secondary" onClick={() => download(tls.caCertificate)}>
        {t('csms.ca.download', { file: CA_FILE_NAME })}
      </button>
      <p className="hint">{t('csms.ca.help')}</p>
    </div>
  );
}
