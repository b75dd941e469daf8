// Test-only: a few vectors of the age testkit (FiloSottile/age testdata/testkit, now C2SP/CCTV
// age/), copied as text. All of them share one file key ("YELLOW SUBMARINE") and most share one
// payload ("age" sealed under the same nonce); that payload's bytes come from the armored vector
// `armor` (ASCII-armored, so it survives as text), and binary vectors are rebuilt as
// header + that payload. Expectations: success (with the SHA-256 of the plaintext), no match,
// header failure, armor failure. Armored vectors go to the engine as text (it de-armors).
export interface Vector {
  name: string;
  expect: 'success' | 'no match' | 'header failure' | 'armor failure';
  payloadSha256?: string;
  identity?: string;
  passphrase?: string;
  /** The file's header text (binary vectors) or the whole armored file (armored: true). */
  text: string;
  armored?: boolean;
}

const ID1 = 'AGE-SECRET-KEY-1XMWWC06LY3EE5RYTXM9MFLAZ2U56JJJ36S0MYPDRWSVLUL66MV4QX3S7F6';
const ID2 = 'AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0';
const ID3 = 'AGE-SECRET-KEY-143WN7DCXU4G8R5AXQSSYD9AEPYDNT3HXSLWSPK36CDU6E8M59SSSAGZ3KG';
const AGE_SHA = '013f54400c82da08037759ada907a8b864e97de81c088a182062c4b5622fd2ab';
const V1 = 'age-encryption.org/v1\n';
const X_STANZA = '-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\nEmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U\n';
const X_STANZA2 = '-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\nhjabGXwSLQ9c3S6Lw2i+S2Tu2fiwQHHslbBN6B41FLE\n';

export const ARMOR = `-----BEGIN AGE ENCRYPTED FILE-----
YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FY
TnlDVkpwTDdPdXdQZFZ3UEw3S1FFYkZET0NjCkVtRUNBRWNLTituL1ZzOVNiV2lW
K0h1MHIrRThSNzdEZFdZeWQ4M253N1UKLS0tIFZuKzU0anFpaVVDRStXWmNFVlkz
ZjFzcUhqbHUvejFMQ1EvVDdYbTdxSTAK7s9ix86RtDMnTmjU8vkTTLdMW/73vqpS
yPC8DpksHoMx+2Y=
-----END AGE ENCRYPTED FILE-----
`;

export const VECTORS: Vector[] = [
  { name: 'armor', expect: 'success', payloadSha256: AGE_SHA, identity: ID1, armored: true, text: ARMOR },
  {
    name: 'armor_full_last_line',
    expect: 'success',
    payloadSha256: '724a112a2cac139a4fca3ea0f799f2e5ccd1d0db46af654dee40567bff16ee33',
    identity: ID1,
    armored: true,
    text: `-----BEGIN AGE ENCRYPTED FILE-----
YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FY
TnlDVkpwTDdPdXdQZFZ3UEw3S1FFYkZET0NjCkVtRUNBRWNLTituL1ZzOVNiV2lW
K0h1MHIrRThSNzdEZFdZeWQ4M253N1UKLS0tIFZuKzU0anFpaVVDRStXWmNFVlkz
ZjFzcUhqbHUvejFMQ1EvVDdYbTdxSTAK7s9ix86RtDMnTmjU8vkTTLdMW3bj4iHS
YS3WWUtZB5wJqKgEe8kpsp0iOnD2CNG4DVKBC0Z7SAcCFb8xdwV9CRavSEE7OU1c
-----END AGE ENCRYPTED FILE-----
`,
  },
  {
    name: 'armor_no_match',
    expect: 'no match',
    identity: ID3,
    armored: true,
    text: `-----BEGIN AGE ENCRYPTED FILE-----
YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBhanRxQXZERWtWTnIyQjd6
VU90cTJtQVFYRFNCbE5yVkF1TS9kS2I1c1Q0CkhVS3R6MFIyajVCbDJFUjdIaEFa
clVSaWtDRnBpSWpOYTBLakhjamJBR1UKLS0tIHJycFRsdktFS3JLM0VxaG9PUEpl
UDFLRThPMWQyYXJyUmV6Nzdtd2VrUmMK3d9y0G+8q1ffPQ0xJJatIYzX/W+AeLv4
gS3YeUcVXre9Xog=
-----END AGE ENCRYPTED FILE-----
`,
  },
  { name: 'armor_whitespace_outside', expect: 'success', payloadSha256: AGE_SHA, identity: ID1, armored: true, text: `\n\n   \t\n${ARMOR}\n   \t\n` },
  { name: 'armor_crlf (the armor vector with CRLF line ends)', expect: 'success', payloadSha256: AGE_SHA, identity: ID1, armored: true, text: ARMOR.replace(/\n/g, '\r\n') },
  { name: 'armor_not_canonical', expect: 'armor failure', identity: ID1, armored: true, text: ARMOR.replace('+2Y=', '+2Z=') },
  {
    name: 'armor_short_line',
    expect: 'armor failure',
    identity: ID1,
    armored: true,
    text: `-----BEGIN AGE ENCRYPTED FILE-----
YWdlLWVuY3J5cHRp
b24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FYTnlDVkpwTDdPdXdQ
ZFZ3UEw3S1FFYkZET0NjCkVtRUNBRWNLTituL1ZzOVNiV2lWK0h1MHIrRThSNzdE
ZFdZeWQ4M253N1UKLS0tIFZuKzU0anFpaVVDRStXWmNFVlkzZjFzcUhqbHUvejFM
Q1EvVDdYbTdxSTAK7s9ix86RtDMnTmjU8vkTTLdMW/73vqpSyPC8DpksHoMx+2Y=
-----END AGE ENCRYPTED FILE-----
`,
  },
  { name: 'x25519', expect: 'success', payloadSha256: AGE_SHA, identity: ID1, text: `${V1}${X_STANZA}--- Vn+54jqiiUCE+WZcEVY3f1sqHjlu/z1LCQ/T7Xm7qI0\n` },
  {
    name: 'stanza_valid_characters',
    expect: 'success',
    payloadSha256: AGE_SHA,
    identity: ID1,
    text: `${V1}-> !"#$%&' ()*+,-./ 01234567 89:;<=>? @ABCDEFG HIJKLMNO\n\n-> PQRSTUVW XYZ[\\]^_ \`abcdefg hijklmno pqrstuvw xyz{|}~\n\n${X_STANZA}--- x538z9xJq9XEK1aTTTv80aWDVvVdROvaXn2tpqXPC8g\n`,
  },
  { name: 'stanza_empty_body', expect: 'success', payloadSha256: AGE_SHA, identity: ID1, text: `${V1}${X_STANZA}-> empty\n\n--- 697zSC9pa/ZLNIaXGtuwcUobmxv+Dpx48Hv0papk5c0\n` },
  {
    name: 'stanza_not_canonical',
    expect: 'header failure',
    identity: ID1,
    text: `${V1}${X_STANZA}-> stanza\n${'QUFB'.repeat(16)}\nQUF\n--- nQM2VCzmNLPrUurNWN+SW9wVp/9uTMQ/6CTUM7l8c84\n`,
  },
  {
    name: 'stanza_missing_final_line',
    expect: 'header failure',
    identity: ID1,
    text: `${V1}${X_STANZA}-> stanza\n${'A'.repeat(64)}\n--- GRjUy1ShNhFoV3cQikdtUZqDeDEZSrbtNXUgDtDbwC8\n`,
  },
  { name: 'hmac_garbage', expect: 'header failure', identity: ID2, text: `${V1}${X_STANZA2}--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNgAAA\n` },
  { name: 'hmac_not_canonical', expect: 'header failure', identity: ID2, text: `${V1}${X_STANZA2}--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNh\n` },
  { name: 'hmac_trailing_space', expect: 'header failure', identity: ID2, text: `${V1}${X_STANZA2}--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg \n` },
  {
    name: 'x25519_low_order',
    expect: 'header failure',
    identity: ID2,
    text: `${V1}-> X25519 X5yVvKNQjCSx0LFVnIPvWwREXMRYHI6G2CJO3dCfEdc\n3E0NpFans/m0WLWF7+54ZBdNj3iqQqpraGDFiaRkvBA\n--- sXw327YMT1/ULXe+ZyRMbMY0Z2jnWHGgI9j1we6yQ8A\n`,
  },
  {
    name: 'scrypt_and_x25519',
    expect: 'header failure',
    identity: ID3,
    passphrase: 'password',
    text: `${V1}-> X25519 ajtqAvDEkVNr2B7zUOtq2mAQXDSBlNrVAuM/dKb5sT4\nU+hKlJ4isweJ9PKG7pgscmG3cPASLgTw7SOBpbZ8x2U\n-> scrypt 3d9y0G+8q1ffPQ0xJJatIQ 10\nfoZolxuhRSL7IG7oaR+456IzkHtvue7j4mUjh3DB6EI\n--- yp4Z0lV1LEdkm1+uDCuPUV+9hIXbPKrBXKQ/f5Y03As\n`,
  },
  {
    name: 'scrypt_work_factor_23',
    expect: 'header failure',
    passphrase: 'password',
    text: `${V1}-> scrypt rF0/NwblUHHTpgQgRpe5CQ 23\nqW9eVsT0NVb/Vswtw8kPIxUnaYmm9Px1dYmq2+4+qZA\n--- 38TpQMxQRRNMfmYYpBX6DDrPx4/QY5UmJnhPyVoX/cw\n`,
  },
];

/** Decodes an armored age file (loosely: only to extract the shared payload bytes). */
export function dearmor(text: string): Buffer {
  const body = text.replace(/-----(BEGIN|END) AGE ENCRYPTED FILE-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64');
}
