package io.impetus.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.error.BrokerException;
import io.impetus.core.error.InvalidPropertyException;
import java.net.ConnectException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

@ExtendWith(OutputCaptureExtension.class)
class ImpetusFailureAnalyzerTest {
    private final ImpetusFailureAnalyzer analyzer = new ImpetusFailureAnalyzer();

    @Test
    void aRefusingBrokerDeepInsideSpringsExceptionsIsReportedWithTheClientsMessage() {
        BrokerException refused = new BrokerException(BrokerException.Kind.UNREACHABLE,
                "cannot reach RabbitMQ at localhost:5672 (connection refused) — is it running?", null);
        FailureAnalysis analysis = analyzer.analyze(new BeanCreationException("impetus", "Error creating bean",
                new IllegalStateException("wrapped", refused)));
        assertThat(analysis.getDescription()).isEqualTo("Impetus could not start: " + refused.getMessage());
        assertThat(analysis.getAction()).contains("impetus.uri", "IMPETUS_RABBITMQ_URI");
    }

    @Test
    void aWrongPropertyIsReportedWithAnActionAboutProperties() {
        FailureAnalysis analysis = analyzer.analyze(new InvalidPropertyException("impetus.max-outstanding",
                "impetus.max-outstanding: maxOutstanding must be at least 1 job, was 0"));
        assertThat(analysis.getDescription()).contains("impetus.max-outstanding");
        assertThat(analysis.getAction()).isEqualTo(ImpetusFailureAnalyzer.PROPERTY_ACTION);
    }

    @Test
    void otherFailuresAreLeftToSpring() {
        assertThat(analyzer.analyze(new BeanCreationException("other", "not Impetus"))).isNull();
    }

    @Test
    void anApplicationWhoseBrokerRefusesPrintsAShortReportAndNoStackTrace(CapturedOutput output) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // free once closed: nothing listens there
        }
        SpringApplicationBuilder app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF).properties("impetus.uri=amqp://u:p@127.0.0.1:" + closedPort + "/v");
        assertThatThrownBy(app::run).hasRootCauseInstanceOf(ConnectException.class);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("Impetus could not start: cannot reach RabbitMQ at 127.0.0.1:" + closedPort)
                .contains(ImpetusFailureAnalyzer.BROKER_ACTION)
                .doesNotContain("Application run failed")
                .doesNotContain("\tat io.impetus");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(ImpetusAutoConfiguration.class)
    static class App {
    }
}
