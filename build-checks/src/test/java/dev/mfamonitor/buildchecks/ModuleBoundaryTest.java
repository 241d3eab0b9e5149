package dev.mfamonitor.buildchecks;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The boundaries plugins rely on, checked in the compiled classes: a provider's main code uses the SPI (and
 * mfa-plugin-support), never the engine, since only the SPI is visible to a plugin at run time; the SPI and the
 * support library use nothing a plugin would not have.
 */
class ModuleBoundaryTest {
    static final Path REPOSITORY = Path.of(System.getProperty("mfa.repo", "..")).toAbsolutePath().normalize();
    /** Provider modules by name: today's and every later one (mfa-monitor-entra, mfa-notifier-email, mfa-storage-postgres...). */
    static final Pattern PROVIDER_MODULE = Pattern.compile("mfa-(monitor|notifier|storage)-.+");
    static final List<String> ENGINE_PACKAGES = List.of("dev/mfamonitor/core/", "dev/mfamonitor/runner/", "dev/mfamonitor/internal/");

    @Test
    void noProviderModuleUsesAnEnginePackage() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path module : providerModules()) {
            for (Path classFile : classFiles(module)) {
                for (String reference : ClassReferences.of(classFile)) {
                    if (ENGINE_PACKAGES.stream().anyMatch(reference::startsWith)) {
                        violations.add(describe(module, classFile) + " uses " + reference.replace('/', '.'));
                    }
                }
            }
        }
        assertThat(violations).as("provider modules may use dev.mfamonitor.spi and dev.mfamonitor.support only:"
                + " the engine is not visible to a plugin at run time").isEmpty();
    }

    @Test
    void noProviderModuleDependsOnTheEngineOutsideItsTests() throws Exception {
        List<String> violations = new ArrayList<>();
        for (Path module : providerModules()) {
            var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            var pom = factory.newDocumentBuilder().parse(module.resolve("pom.xml").toFile());
            var dependencies = pom.getElementsByTagName("dependency");
            for (int i = 0; i < dependencies.getLength(); i++) {
                var dependency = (org.w3c.dom.Element) dependencies.item(i);
                if (dependency.getParentNode().getParentNode() != pom.getDocumentElement()) {
                    continue; // dependencyManagement, plugins: not the module's own dependencies
                }
                String artifact = text(dependency, "artifactId");
                String scope = text(dependency, "scope");
                if (List.of("mfa-core", "mfa-runner").contains(artifact) && !scope.equals("test")) {
                    violations.add(REPOSITORY.relativize(module) + " depends on " + artifact + " in scope "
                            + (scope.isEmpty() ? "compile" : scope) + "; depend on mfa-spi (provided), and on " + artifact
                            + " in test scope only");
                }
            }
        }
        assertThat(violations).as("provider modules compile against mfa-spi alone").isEmpty();
    }

    private static String text(org.w3c.dom.Element parent, String tag) {
        var children = parent.getElementsByTagName(tag);
        return children.getLength() == 0 ? "" : children.item(0).getTextContent().trim();
    }

    @Test
    void theSpiAndTheSupportLibraryUseOnlyTheJdkTheSpiAndSlf4j() throws IOException {
        List<String> violations = new ArrayList<>();
        for (String name : List.of("mfa-spi", "mfa-plugin-support")) {
            Path module = REPOSITORY.resolve(name);
            List<String> allowed = name.equals("mfa-spi")
                    ? List.of("java/", "dev/mfamonitor/spi/", "org/slf4j/")
                    : List.of("java/", "dev/mfamonitor/spi/", "dev/mfamonitor/support/", "org/slf4j/");
            for (Path classFile : classFiles(module)) {
                for (String reference : ClassReferences.of(classFile)) {
                    if (allowed.stream().noneMatch(reference::startsWith)) {
                        violations.add(describe(module, classFile) + " uses " + reference.replace('/', '.'));
                    }
                }
            }
        }
        assertThat(violations).as("mfa-spi and mfa-plugin-support depend on nothing but the JDK and slf4j-api").isEmpty();
    }

    @Test
    void theProviderModulesAreFoundByName() throws IOException {
        assertThat(providerModules()).extracting(m -> REPOSITORY.relativize(m).toString().replace('\\', '/'))
                .contains("mfa-monitor-github", "mfa-monitor-aws", "mfa-notifier-slack", "mfa-notifier-teams", "mfa-notifier-webhook", "mfa-notifier-email",
                        "mfa-storage-file", "examples/gitlab-plugin");
    }

    @Test
    void theCheckSeesAReferenceToAnEnginePackage() throws IOException {
        // Guards the check itself: a class of this test refers to a class in dev.mfamonitor.core.
        Path classes = Path.of(ModuleBoundaryTest.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Set<String> references = ClassReferences.of(classes.resolve("dev/mfamonitor/buildchecks/UsesTheEngine.class"));

        assertThat(references).contains("dev/mfamonitor/core/EngineClass");
        // A string literal naming the package is not a reference.
        assertThat(ClassReferences.of(classes.resolve("dev/mfamonitor/buildchecks/NamesTheEngine.class")))
                .noneMatch(r -> r.startsWith("dev/mfamonitor/core/"));
    }

    /**
     * Every module named like a provider module, every other module whose main resources register a provider, and the
     * example plugin.
     */
    static List<Path> providerModules() throws IOException {
        Set<Path> modules = new TreeSet<>();
        for (Path parent : List.of(REPOSITORY, REPOSITORY.resolve("examples"))) {
            try (Stream<Path> children = Files.list(parent)) {
                children.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
                        .filter(d -> PROVIDER_MODULE.matcher(d.getFileName().toString()).matches() || registersAProvider(d))
                        .forEach(modules::add);
            }
        }
        modules.add(REPOSITORY.resolve("examples/gitlab-plugin"));
        // The engine registers its built-in providers too; it is not a provider module.
        modules.remove(REPOSITORY.resolve("mfa-core"));
        return List.copyOf(modules);
    }

    private static boolean registersAProvider(Path module) {
        Path services = module.resolve("src/main/resources/META-INF/services");
        try (Stream<Path> files = Files.isDirectory(services) ? Files.list(services) : Stream.empty()) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("dev.mfamonitor.spi."));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The module's compiled main classes; fails when the module has sources but was not compiled before this check. */
    private static List<Path> classFiles(Path module) throws IOException {
        Path classes = module.resolve("target/classes");
        if (!Files.isDirectory(module.resolve("src/main/java"))) {
            return List.of();
        }
        assertThat(classes).as(REPOSITORY.relativize(module) + " has main sources but no target/classes: it was not built"
                + " before this check; add it as a dependency in build-checks/pom.xml").isDirectory();
        try (Stream<Path> files = Files.walk(classes)) {
            List<Path> found = files.filter(f -> f.toString().endsWith(".class")).sorted().toList();
            assertThat(found).as(classes + " holds no class").isNotEmpty();
            return found;
        }
    }

    private static String describe(Path module, Path classFile) {
        return REPOSITORY.relativize(module) + ": " + module.resolve("target/classes").relativize(classFile);
    }
}

/** Refers to a class of an engine package, as a provider must not. */
final class UsesTheEngine {
    dev.mfamonitor.core.EngineClass engine() {
        return new dev.mfamonitor.core.EngineClass();
    }
}

/** Only names an engine package in text. */
final class NamesTheEngine {
    static final String WHERE = "Ldev/mfamonitor/core/EngineClass;";
}
