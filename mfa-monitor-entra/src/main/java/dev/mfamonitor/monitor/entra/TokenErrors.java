package dev.mfamonitor.monitor.entra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mfamonitor.monitor.entra.EntraException.Reason;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a refusal of the token endpoint means and what to fix. Entra answers 400 or 401 with
 * {@code {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided. ...",
 * "error_codes": [7000215], ...}}; the AADSTS code says which part of the configuration is wrong. The secret itself is
 * never named, and the description is redacted before it is shown.
 */
final class TokenErrors {
    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");

    private TokenErrors() {
    }

    static EntraException failure(EntraSettings settings, int status, JsonNode answer, UnaryOperator<String> clean) {
        String error = clean.apply(answer.path("error").asText(""));
        String description = answer.path("error_description").asText("");
        long code = answer.path("error_codes").path(0).asLong(0);
        if (code == 0) {
            Matcher m = AADSTS.matcher(description);
            if (m.find()) {
                code = Long.parseLong(m.group(1));
            }
        }
        String app = "app " + settings.clientId();
        String tenant = "tenant " + settings.tenantId();
        String certificate = settings.credential() instanceof ClientCredential.ClientCertificate c
                ? "the certificate (thumbprint x5t " + c.thumbprint() + ")" : "the certificate";
        String fix = switch ((int) code) {
            case 7000215 -> "the client secret is wrong: set clientSecret to the secret's Value (not its Secret ID) "
                    + "from " + app + "'s Certificates & secrets";
            case 7000222 -> "the client secret has expired: create a new client secret for " + app
                    + " (Certificates & secrets) and set clientSecret to its Value";
            case 700027 -> certificate + " is not accepted for " + app + ": upload the certificate (its public part) "
                    + "to the app registration's Certificates & secrets, or replace it if it has expired there";
            case 700024, 700025 -> "the client assertion's time is not valid: check this machine's clock";
            case 700016 -> "no application " + settings.clientId() + " in " + tenant + ": check clientId and tenantId, "
                    + "and that the app is registered in (or consented to by) this tenant";
            case 7000112 -> app + " is disabled in " + tenant + ": enable it (Enterprise applications > Properties)";
            case 90002, 900023, 90013 -> "the tenant '" + settings.tenantId() + "' does not exist in this cloud: check "
                    + "tenantId and loginEndpoint";
            case 70011, 1002012 -> "the scope " + settings.scope() + " is not valid: check graphEndpoint "
                    + "(https://graph.microsoft.com for the global cloud)";
            case 7000218 -> "the request had no client secret or assertion: set clientSecret or certificate";
            case 50034, 50053, 50057 -> app + " cannot sign in: check it in Enterprise applications";
            default -> null;
        };
        String codeText = code == 0 ? (error.isEmpty() ? "" : " " + error) : " AADSTS" + code;
        String message = "the token endpoint " + settings.tokenUri() + " answered " + status + codeText + " for " + app;
        if (fix != null) {
            return new EntraException(Reason.AUTHENTICATION, status, code == 0 ? error : "AADSTS" + code,
                    message + ": " + fix);
        }
        // Only the first line: Entra appends trace and correlation ids and a timestamp on their own lines.
        String first = description.lines().findFirst().orElse("");
        return new EntraException(Reason.AUTHENTICATION, status, code == 0 ? error : "AADSTS" + code,
                message + (first.isEmpty() ? "" : " ('" + clean.apply(first) + "')")
                        + ": check tenantId, clientId and the credential");
    }
}
