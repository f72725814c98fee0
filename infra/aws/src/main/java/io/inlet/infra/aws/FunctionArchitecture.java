package io.inlet.infra.aws;

import java.util.Arrays;
import software.amazon.awscdk.services.lambda.Architecture;

/**
 * The instruction set every Inlet function runs on (CDK context {@code inlet.architecture}). The one
 * jar serves both: it is Java bytecode plus zstd's natives for linux amd64 and aarch64, nothing else
 * native (functions-aws DeployableJarIT). SnapStart supports both.
 */
public enum FunctionArchitecture {
    /** Graviton: the default, about 20 % less per GB-second than x86_64 for the same memory. */
    ARM_64("arm64", Architecture.ARM_64),
    X86_64("x86_64", Architecture.X86_64);

    private final String setting;
    private final Architecture cdk;

    FunctionArchitecture(String setting, Architecture cdk) {
        this.setting = setting;
        this.cdk = cdk;
    }

    /** The value in cdk.json, as Lambda names it ({@code arm64}, {@code x86_64}). */
    public String setting() {
        return setting;
    }

    Architecture cdk() {
        return cdk;
    }

    /** Parses {@code arm64} or {@code x86_64}; anything else names the setting and the choices. */
    public static FunctionArchitecture of(String value) {
        return Arrays.stream(values()).filter(a -> a.setting.equals(value)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("CDK context inlet.architecture '" + value + "' must be arm64 or x86_64"));
    }
}
