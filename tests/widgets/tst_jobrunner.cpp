// Jobs run off the GUI thread, deliver their result once on the GUI thread, report errors,
// and a cancelled job delivers nothing.

#include "tessera/core/Error.h"
#include "tessera/widgets/JobRunner.h"

#include <QThread>
#include <QtTest>

#include <atomic>

using namespace tessera;
using namespace tessera::widgets;

class TestJobRunner : public QObject {
    Q_OBJECT
private slots:
    void resultOnGuiThreadOnce()
    {
        JobRunner runner;
        QThread *workerThread = nullptr;
        int deliveries = 0;
        QThread *deliveryThread = nullptr;
        JobHandle *handle = runner.run<int>(
            "sum",
            [&](JobContext &context) {
                workerThread = QThread::currentThread();
                int sum = 0;
                for (int i = 1; i <= 100; ++i) {
                    context.throwIfCancelled();
                    context.setProgress(i / 100.0);
                    sum += i;
                }
                return sum;
            },
            [&](int value) {
                ++deliveries;
                deliveryThread = QThread::currentThread();
                QCOMPARE(value, 5050);
            });
        QSignalSpy finished(handle, &JobHandle::finished);
        QVERIFY(finished.wait(5000));
        QCOMPARE(deliveries, 1);
        QCOMPARE(deliveryThread, QThread::currentThread());
        QVERIFY(workerThread != QThread::currentThread());
        QCOMPARE(finished.first().at(0).toBool(), true);
        QCOMPARE(runner.activeJobCount(), 0);
    }

    void cancelledJobDeliversNothing()
    {
        JobRunner runner;
        std::atomic<bool> started{false};
        bool delivered = false;
        JobHandle *handle = runner.run<int>(
            "endless",
            [&](JobContext &context) {
                started = true;
                while (true) {
                    context.throwIfCancelled();
                    QThread::msleep(1);
                }
                return 0;
            },
            [&](int) { delivered = true; });
        QSignalSpy finished(handle, &JobHandle::finished);
        QTRY_VERIFY(started.load());
        handle->cancel();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(1).toBool(), true); // cancelled
        QVERIFY(!delivered);
    }

    void errorsReachTheCallback()
    {
        JobRunner runner;
        QString error;
        JobHandle *handle = runner.run<int>(
            "failing", [](JobContext &) -> int { throw Error("no such key", "model.safetensors", "w"); },
            [](int) { QFAIL("a failed job delivered a result"); }, [&](const QString &message) { error = message; });
        QSignalSpy finished(handle, &JobHandle::finished);
        QVERIFY(finished.wait(5000));
        QCOMPARE(error, QString("model.safetensors: w: no such key"));
        QCOMPARE(finished.first().at(2).toString(), error);
    }

    void inlineModeRunsImmediately()
    {
        JobRunner runner;
        runner.setInline(true);
        int value = 0;
        runner.run<int>(
            "now", [](JobContext &) { return 42; }, [&](int v) { value = v; });
        QCOMPARE(value, 42);
    }
};

QTEST_MAIN(TestJobRunner)
#include "tst_jobrunner.moc"
