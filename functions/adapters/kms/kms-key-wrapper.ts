import type { KMSClient } from '@aws-sdk/client-kms';
import { boundedRequestHandler } from '../aws-timeouts';
import { unavailable } from '../../core/errors';
import type { KeyWrapper } from '../system/envelope-sealer';

/**
 * Data keys from AWS KMS: `GenerateDataKey` for each sealed value, `Decrypt` to open one, both
 * bound to the encryption context (which CloudTrail records with every call). The master key
 * never leaves KMS. The KMS client is imported on first use: only enrolments that allocate need
 * it, so no other request pays for loading it.
 */
export function kmsKeyWrapper(keyId: string, region: string): KeyWrapper {
  let client: Promise<{ kms: KMSClient; sdk: typeof import('@aws-sdk/client-kms') }> | undefined;
  const load = () =>
    (client ??= import('@aws-sdk/client-kms').then((sdk) => ({ sdk, kms: new sdk.KMSClient({ region, maxAttempts: 3, requestHandler: boundedRequestHandler() }) })));
  return {
    id: 'kms',
    async newDataKey(context) {
      const { kms, sdk } = await load();
      const out = await kms.send(new sdk.GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context })).catch(unreachable);
      if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
      return { plaintext: out.Plaintext, wrapped: out.CiphertextBlob };
    },
    async unwrap(wrapped, context) {
      const { kms, sdk } = await load();
      const out = await kms.send(new sdk.DecryptCommand({ KeyId: keyId, CiphertextBlob: wrapped, EncryptionContext: context })).catch(unreachable);
      if (!out.Plaintext) throw new Error('KMS returned no plaintext');
      return out.Plaintext;
    },
  };
}

/** Any KMS failure (throttled, unreachable, key disabled) stops the allocation before anything is written: "try again" (503), never a 500. */
function unreachable(error: unknown): never {
  throw Object.assign(unavailable('the allocation key could not be used just now: please try again in a moment'), { cause: error });
}
