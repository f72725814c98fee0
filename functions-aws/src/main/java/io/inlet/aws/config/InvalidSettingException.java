package io.inlet.aws.config;

/** An environment variable of the functions is missing or wrong; the message names it. */
public final class InvalidSettingException extends RuntimeException {

    private final String variable;

    public InvalidSettingException(String variable, String problem) {
        super(variable + " " + problem);
        this.variable = variable;
    }

    public String variable() {
        return variable;
    }
}
