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
// The key file holds either that base64 secret key, or the Ed25519 private key as PKCS#8 PEM
// (`openssl genpkey -algorithm ed25519`, the file the Node and Python examples read).
//
// Command line, with the same flags as the Node and Python examples:
//   php sign-token.php --key panel-signing.pem --kid 2026-01 --site pcextreme --sub 4711 [--email …] [--name …]

function privacy_widget_b64url(string $bytes): string {
    return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
}

/** The PEM (SubjectPublicKeyInfo) of a 32-byte Ed25519 public key, for public_key = """…""". */
function privacy_widget_public_key_pem(string $public_key): string {
    $der = hex2bin('302a300506032b6570032100') . $public_key;
    return "-----BEGIN PUBLIC KEY-----\n" . base64_encode($der) . "\n-----END PUBLIC KEY-----\n";
}

/**
 * The 64-byte libsodium secret key from a key file: base64 of sodium_crypto_sign_secretkey(), or
 * an Ed25519 PKCS#8 PEM (RFC 8410: the 32-byte seed is the last 32 bytes of the DER).
 */
function privacy_widget_secret_key(string $file_text): string {
    $text = trim($file_text);
    if (preg_match('/-----BEGIN PRIVATE KEY-----(.+)-----END PRIVATE KEY-----/s', $text, $m)) {
        $der = base64_decode(preg_replace('/\s+/', '', $m[1]), true);
        if ($der === false || strlen($der) < 48 || strpos($der, hex2bin('06032b6570')) === false) {
            throw new InvalidArgumentException('the PEM is not an Ed25519 private key');
        }
        return sodium_crypto_sign_secretkey(sodium_crypto_sign_seed_keypair(substr($der, -32)));
    }
    $key = base64_decode($text, true);
    if ($key === false || strlen($key) !== SODIUM_CRYPTO_SIGN_SECRETKEYBYTES) {
        throw new InvalidArgumentException('the key file is neither an Ed25519 PEM nor a base64 libsodium secret key');
    }
    return $key;
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
    $opt = getopt('', ['key:', 'kid:', 'site:', 'sub:', 'email:', 'name:']);
    foreach (['key', 'kid', 'site', 'sub'] as $required) {
        if (!isset($opt[$required]) || $opt[$required] === '') {
            fwrite(STDERR, "usage: php sign-token.php --key FILE --kid KID --site SITE --sub SUB [--email EMAIL] [--name NAME]\n");
            exit(2);
        }
    }
    try {
        $secret = privacy_widget_secret_key(file_get_contents($opt['key']));
    } catch (InvalidArgumentException $e) {
        fwrite(STDERR, $opt['key'] . ': ' . $e->getMessage() . "\n");
        exit(1);
    }
    echo privacy_widget_sign_token($secret, $opt['kid'], $opt['site'], $opt['sub'],
        ['email' => $opt['email'] ?? '', 'name' => $opt['name'] ?? '']), "\n";
}
