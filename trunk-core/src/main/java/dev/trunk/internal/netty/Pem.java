package dev.trunk.internal.netty;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads PEM certificates and PKCS#8 private keys with the JDK alone, and checks that a key belongs
 * to its certificate, so that a wrong key is refused when loaded rather than at every handshake.
 */
final class Pem {
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final Pattern OTHER_KEY = Pattern.compile("-----BEGIN ([A-Z ]*PRIVATE KEY)-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS");

  private Pem() {}

  /** The certificates in {@code pem}, in order; {@code source} names it in errors. */
  static List<X509Certificate> certificates(byte[] pem, String source) throws CertificateException {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem))) {
        certificates.add((X509Certificate) certificate);
      }
    } catch (CertificateException e) {
      throw new CertificateException(
          "cannot read the certificates in " + source + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new CertificateException("no PEM certificate in " + source);
    }
    return certificates;
  }

  /** The PKCS#8 private key in {@code pem} ({@code BEGIN PRIVATE KEY}, not encrypted). */
  static PrivateKey privateKey(byte[] pem, String source) throws GeneralSecurityException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    Matcher matcher = PRIVATE_KEY.matcher(text);
    if (!matcher.find()) {
      Matcher other = OTHER_KEY.matcher(text);
      throw new KeyException(
          other.find()
              ? source
                  + " holds a '"
                  + other.group(1)
                  + "'; Trunk reads unencrypted PKCS#8 ('PRIVATE KEY'): convert it with"
                  + " 'openssl pkcs8 -topk8 -nocrypt'"
              : "no complete PEM 'PRIVATE KEY' in " + source);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(matcher.group(1));
    } catch (IllegalArgumentException e) {
      throw new KeyException("the private key in " + source + " is not valid base64", e);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException notThisAlgorithm) {
        // try the next one
      }
    }
    throw new KeyException(
        "the private key in " + source + " is not an RSA, EC or EdDSA key in PKCS#8 form");
  }

  /**
   * Checks that {@code key} belongs to {@code certificate} by signing a random message and
   * verifying it with the certificate's public key.
   *
   * @throws KeyException naming the certificate's subject if it does not
   */
  static void checkKeyPair(PrivateKey key, X509Certificate certificate, String source)
      throws GeneralSecurityException {
    Signature signer = signatureFor(key.getAlgorithm());
    if (signer == null) {
      return; // an algorithm we cannot test; the handshake will tell
    }
    byte[] message = new byte[32];
    new SecureRandom().nextBytes(message);
    boolean matches;
    try {
      signer.initSign(key);
      signer.update(message);
      byte[] signature = signer.sign();
      Signature verifier = signatureFor(key.getAlgorithm());
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(message);
      matches = verifier.verify(signature);
    } catch (InvalidKeyException e) {
      matches = false;
    }
    if (!matches) {
      throw new KeyException(
          "the private key in "
              + source
              + " does not belong to the certificate "
              + certificate.getSubjectX500Principal().getName());
    }
  }

  private static @Nullable Signature signatureFor(String keyAlgorithm)
      throws GeneralSecurityException {
    return switch (keyAlgorithm) {
      case "RSA" -> Signature.getInstance("SHA256withRSA");
      case "EC" -> Signature.getInstance("SHA256withECDSA");
      case "EdDSA", "Ed25519", "Ed448" -> Signature.getInstance(keyAlgorithm);
      case "RSASSA-PSS" -> {
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        yield pss;
      }
      default -> null;
    };
  }
}
