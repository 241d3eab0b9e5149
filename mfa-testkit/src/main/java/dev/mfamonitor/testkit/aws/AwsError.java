package dev.mfamonitor.testkit.aws;

/**
 * An error the fake AWS endpoint can be scripted to answer with: the code, HTTP status and fault type IAM and STS
 * document for it. Organizations errors use the same codes with the JSON protocol's {@code __type}.
 */
public enum AwsError {
    /** GetCredentialReport while the report is still being generated. */
    REPORT_IN_PROGRESS("ReportInProgress", 404, "Sender", "Report generation in progress"),
    /** GetCredentialReport after the report expired. */
    REPORT_EXPIRED("ReportExpired", 410, "Sender", "The credential report has expired. Generate a new one."),
    /** GetCredentialReport when no report was ever generated. */
    REPORT_NOT_PRESENT("ReportNotPresent", 410, "Sender", "Credential report not present. Generate a credential report."),
    /** Too many report generations (GenerateCredentialReport) or another account limit. */
    LIMIT_EXCEEDED("LimitExceeded", 409, "Sender", "Cannot exceed quota for credential report generation."),
    /** The request rate is too high. */
    THROTTLING("Throttling", 400, "Sender", "Rate exceeded"),
    /** The caller lacks the permission for the action; the message names it as AWS does. */
    ACCESS_DENIED("AccessDenied", 403, "Sender", null),
    /** An internal failure on AWS's side. */
    SERVICE_FAILURE("ServiceFailure", 500, "Receiver", "Service failure");

    private final String code;
    private final int status;
    private final String type;
    private final String message;

    AwsError(String code, int status, String type, String message) {
        this.code = code;
        this.status = status;
        this.type = type;
        this.message = message;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** {@code Sender} or {@code Receiver}, as in the Query protocol's {@code <Type>}. */
    public String type() {
        return type;
    }

    /** The message AWS would send for {@code action} made by {@code caller}. */
    public String message(String service, String action, String caller, String resource) {
        if (message != null) {
            return message;
        }
        return "User: " + caller + " is not authorized to perform: " + service + ":" + action + " on resource: " + resource;
    }
}
