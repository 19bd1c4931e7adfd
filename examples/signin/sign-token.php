<?php
// Signs a privacy-widget sign-in token (JWS compact, EdDSA / Ed25519) with libsodium, which
// PHP 7.2+ ships (ext-sodium). Call it from your panel's backend for the logged-in customer and
// answer e.g. GET /privacy/token with {"token": "..."}.
//
// Once, make a key pair and keep the secret key on the panel's server only:
//   $pair = sodium_crypto_sign_keypair();
//   file_put_contents('panel-signing.key', base64_encode(sodium_crypto_sign_secretkey($pair)));
//   echo privacy_widget_public_key_pem(sodium_crypto_sign_publickey($pair));  // into [[sites.signin_keys]]
//
// Command line: php sign-token.php panel-signing.key 2026-01 pcextreme 4711 [email] [name]

function privacy_widget_b64url(string $bytes): string {
    return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
}

/** The PEM (SubjectPublicKeyInfo) of a 32-byte Ed25519 public key, for public_key = """…""". */
function privacy_widget_public_key_pem(string $public_key): string {
    $der = hex2bin('302a300506032b6570032100') . $public_key;
    return "-----BEGIN PUBLIC KEY-----\n" . base64_encode($der) . "\n-----END PUBLIC KEY-----\n";
}

/** The token for one page view: valid $lifetime seconds (at most 300), used once (jti). */
function privacy_widget_sign_token(string $secret_key, string $kid, string $site, string $sub, array $extra = [], int $lifetime = 120): string {
    $now = time();
    $claims = ['iss' => $site, 'aud' => 'privacy-widget', 'sub' => $sub, 'iat' => $now,
               'exp' => $now + $lifetime, 'jti' => bin2hex(random_bytes(16))];
    foreach (['email', 'name', 'plan', 'locale'] as $claim) {
        if (isset($extra[$claim]) && $extra[$claim] !== '') {
            $claims[$claim] = (string) $extra[$claim];
        }
    }
    $flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE;
    $input = privacy_widget_b64url(json_encode(['alg' => 'EdDSA', 'typ' => 'JWT', 'kid' => $kid], $flags))
        . '.' . privacy_widget_b64url(json_encode($claims, $flags));
    return $input . '.' . privacy_widget_b64url(sodium_crypto_sign_detached($input, $secret_key));
}

if (PHP_SAPI === 'cli' && isset($argv) && realpath($argv[0]) === __FILE__) {
    if ($argc < 5) {
        fwrite(STDERR, "usage: php sign-token.php SECRET_KEY_FILE KID SITE SUB [EMAIL] [NAME]\n");
        exit(2);
    }
    $secret = base64_decode(trim(file_get_contents($argv[1])), true);
    echo privacy_widget_sign_token($secret, $argv[2], $argv[3], $argv[4],
        ['email' => $argv[5] ?? '', 'name' => $argv[6] ?? '']), "\n";
}
