// The job contract's context: progress is clamped and forwarded, cancellation is observed.

#include "tessera/core/Error.h"
#include "tessera/core/Job.h"
#include "tessera/core/Log.h"

#include <QtTest>

using namespace tessera;

class TestJobs : public QObject {
    Q_OBJECT
private slots:
    void progressIsClampedAndForwarded()
    {
        std::vector<std::pair<double, std::string>> seen;
        BasicJobContext context(
            [&](double fraction, const std::string &message) { seen.emplace_back(fraction, message); });
        context.setProgress(0.5, "half");
        context.setProgress(1.7, "over");
        context.setProgress(-3.0);
        QCOMPARE(seen.size(), size_t(3));
        QCOMPARE(seen[0].first, 0.5);
        QCOMPARE(seen[0].second, std::string("half"));
        QCOMPARE(seen[1].first, 1.0);
        QCOMPARE(seen[2].first, 0.0);
        QCOMPARE(context.progress(), 0.0);
    }

    void cancellation()
    {
        BasicJobContext context;
        context.throwIfCancelled();
        QVERIFY(!context.isCancelled());
        context.cancel();
        QVERIFY(context.isCancelled());
        QVERIFY_THROWS_EXCEPTION(CancelledError, context.throwIfCancelled());
    }

    void errorMessagesNameFileAndKey()
    {
        const Error error("shape disagrees", "/tmp/model.safetensors", "bert.embeddings.word_embeddings.weight");
        QCOMPARE(std::string(error.what()),
                 std::string("/tmp/model.safetensors: bert.embeddings.word_embeddings.weight: shape disagrees"));
        QCOMPARE(std::string(Error("plain").what()), std::string("plain"));
    }

    void logSinkIsReplaceable()
    {
        std::vector<std::string> lines;
        const LogSink previous = setLogSink([&](LogLevel level, const std::string &message) {
            lines.push_back(std::string(logLevelName(level)) + ":" + message);
        });
        logWarning("careful");
        setLogSink(previous);
        QCOMPARE(lines.size(), size_t(1));
        QCOMPARE(lines[0], std::string("warning:careful"));
    }
};

QTEST_GUILESS_MAIN(TestJobs)
#include "tst_jobs.moc"
