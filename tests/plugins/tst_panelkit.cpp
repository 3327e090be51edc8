// The panel kit on its own: OptionSet (typed options, ranges, the messages tessera-cli prints,
// --help text, binding to widgets and the options() round trip) and LatestValue (rate-limited,
// delivers the newest value rather than every one, nothing after its receiver is gone).
// Expected strings and numbers are written out by hand.

#include "tessera/plugins/LatestValue.h"
#include "tessera/plugins/OptionSet.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QSlider>
#include <QSpinBox>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace tessera;
using plugins::OptionSet;

namespace {

// The declarations of a small panel, in the order --help lists them.
void declare(OptionSet &options)
{
    options.addText("model", "checkpoint folder");
    options.addInt("top-u", "active queries marked", 3, 1, 64);
    options.addDouble("discard", "share of the lowest weights dropped", 0.9, 0.0, 0.99)
        .expecting("a ratio in [%1, %2]");
    options.addChoice("fusion", "how heads are fused", {"mean", "min", "max"}, "mean");
    options.addYesNo("masks", "apply the masks", true);
    options.addInt("d-model", "embedding width d_model (1-4096)", 128, 1, 4096).rangeNotInHelp();
    options.addDouble("opacity", "overlay opacity", 0.6, 0.0, 1.0);
}

} // namespace

class TestPanelKit : public QObject {
    Q_OBJECT
private slots:
    void declarationsGiveTheHelpLines()
    {
        OptionSet options;
        declare(options);
        QCOMPARE(options.names(), QStringList({"model", "top-u", "discard", "fusion", "masks", "d-model", "opacity"}));
        const QList<widgets::OptionSpec> specs = options.specs();
        QCOMPARE(specs.size(), 7);
        QCOMPARE(specs[0].help, QString("checkpoint folder"));
        QCOMPARE(specs[0].defaultValue, QString(""));
        QCOMPARE(specs[1].help, QString("active queries marked (1 to 64)"));
        QCOMPARE(specs[1].defaultValue, QString("3"));
        QCOMPARE(specs[2].help, QString("share of the lowest weights dropped in [0, 0.99]"));
        QCOMPARE(specs[2].defaultValue, QString("0.9"));
        QCOMPARE(specs[3].choices, QStringList({"mean", "min", "max"}));
        QCOMPARE(specs[3].defaultValue, QString("mean"));
        QCOMPARE(specs[4].defaultValue, QString("yes"));
        QVERIFY(specs[4].choices.isEmpty()); // yes/no is said by the help, not listed
        QCOMPARE(specs[5].help, QString("embedding width d_model (1-4096)"));
        QCOMPARE(specs[6].help, QString("overlay opacity in [0, 1]"));
        QVERIFY(options.contains("fusion"));
        QVERIFY(!options.contains("colour"));
        QCOMPARE(options["top-u"].minimum(), 1.0);
        QCOMPARE(options["top-u"].maximum(), 64.0);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, options["colour"]);
    }

    void badValuesAreNamedWithWhatIsExpected()
    {
        OptionSet options;
        declare(options);
        const plugins::Option &topU = options["top-u"];
        QCOMPARE(topU.check("64"), QString());
        QCOMPARE(topU.check("1"), QString());
        QCOMPARE(topU.check(" 7 "), QString());
        QCOMPARE(topU.check("0"), QString("--top-u: \"0\" is not a whole number from 1 to 64"));
        QCOMPARE(topU.check("65"), QString("--top-u: \"65\" is not a whole number from 1 to 64"));
        QCOMPARE(topU.check("2.5"), QString("--top-u: \"2.5\" is not a whole number from 1 to 64"));
        QCOMPARE(topU.check("three"), QString("--top-u: \"three\" is not a whole number from 1 to 64"));
        QCOMPARE(options["discard"].check("0.99"), QString());
        QCOMPARE(options["discard"].check("1"), QString("--discard: \"1\" is not a ratio in [0, 0.99]"));
        QCOMPARE(options["opacity"].check("-0.1"), QString("--opacity: \"-0.1\" is not in [0, 1]"));
        QCOMPARE(options["fusion"].check("max"), QString());
        QCOMPARE(options["fusion"].check("Max"), QString("--fusion: \"Max\" is not one of mean, min, max"));
        QCOMPARE(options["masks"].check("no"), QString());
        QCOMPARE(options["masks"].check("maybe"), QString("--masks: \"maybe\" is not yes or no"));
        QCOMPARE(options["model"].check("anything at all"), QString());
        QCOMPARE(options["d-model"].check("5000"), QString("--d-model: \"5000\" is not a whole number from 1 to 4096"));
    }

    void checkedByPanelAcceptsAnyValueButKeepsItsHelp()
    {
        OptionSet options;
        options.addChoice("colormap", "heatmap colour map", {"viridis", "magma"}, "viridis").checkedByPanel();
        QCOMPARE(options["colormap"].check(" MAGMA "), QString());
        QCOMPARE(options.specs().first().choices, QStringList({"viridis", "magma"}));
        QCOMPARE(options.specs().first().defaultValue, QString("viridis"));
    }

    void aMapIsCheckedInDeclarationOrder()
    {
        OptionSet options;
        declare(options);
        QString error;
        QVERIFY(options.check({{"top-u", "5"}, {"fusion", "min"}, {"not-declared", "x"}}, &error));
        QVERIFY(error.isEmpty());
        // Both are bad: the first declared is the one reported.
        QVERIFY(!options.check({{"opacity", "2"}, {"top-u", "0"}}, &error));
        QCOMPARE(error, QString("--top-u: \"0\" is not a whole number from 1 to 64"));
        QVERIFY(!options.check({{"opacity", "2"}}, nullptr));
    }

    void boundWidgetsTakeTheDeclarationAndRoundTrip()
    {
        OptionSet options;
        declare(options);
        QSpinBox topU;
        QDoubleSpinBox discard;
        discard.setDecimals(2);
        QComboBox fusion;
        QCheckBox masks;
        QSlider opacity;
        options["top-u"].bind(&topU);
        options["discard"].bind(&discard);
        options["fusion"].bind(&fusion);
        options["masks"].bind(&masks);
        options["opacity"].bind(&opacity, 100.0);
        QVERIFY(options["top-u"].isBound());
        QVERIFY(!options["model"].isBound());

        QCOMPARE(topU.minimum(), 1);
        QCOMPARE(topU.maximum(), 64);
        QCOMPARE(topU.value(), 3);
        QCOMPARE(discard.maximum(), 0.99);
        QCOMPARE(discard.value(), 0.9);
        QCOMPARE(fusion.count(), 3);
        QCOMPARE(fusion.itemData(2).toString(), QString("max"));
        QCOMPARE(fusion.currentIndex(), 0);
        QVERIFY(masks.isChecked());
        QCOMPARE(opacity.minimum(), 0);
        QCOMPARE(opacity.maximum(), 100);
        QCOMPARE(opacity.value(), 60);

        // Applying sets the widgets with their signals blocked.
        int changes = 0;
        connect(&topU, &QSpinBox::valueChanged, this, [&] { ++changes; });
        connect(&fusion, &QComboBox::currentIndexChanged, this, [&] { ++changes; });
        options.apply({{"top-u", "17"}, {"fusion", "max"}, {"masks", "no"}, {"opacity", "0.25"}, {"model", "/x"}});
        QCOMPARE(changes, 0);
        QCOMPARE(topU.value(), 17);
        QCOMPARE(fusion.currentIndex(), 2);
        QVERIFY(!masks.isChecked());
        QCOMPARE(opacity.value(), 25);
        QCOMPARE(discard.value(), 0.9); // not named: left as it was

        QVariantMap values;
        options.write(values, {"top-u", "discard", "fusion", "masks", "opacity"});
        const QVariantMap expected{
            {"top-u", "17"}, {"discard", "0.9"}, {"fusion", "max"}, {"masks", "no"}, {"opacity", "0.25"}};
        QCOMPARE(values, expected);

        // What one panel wrote, another applies to the same values.
        OptionSet second;
        declare(second);
        QSpinBox topU2;
        QComboBox fusion2;
        QCheckBox masks2;
        second["top-u"].bind(&topU2);
        second["fusion"].bind(&fusion2);
        second["masks"].bind(&masks2);
        QString error;
        QVERIFY2(second.check(values, &error), qPrintable(error));
        second.apply(values);
        QCOMPARE(topU2.value(), 17);
        QCOMPARE(fusion2.currentData().toString(), QString("max"));
        QVERIFY(!masks2.isChecked());
    }

    // Many values put at once: one delivery, of the last.
    void deliversTheLatestValueNotEveryOne()
    {
        QObject receiver;
        std::vector<int> delivered;
        plugins::LatestValue<int> relay(&receiver, 20, [&](int value) { delivered.push_back(value); });
        for (int i = 1; i <= 100; ++i)
            relay.put(i);
        QVERIFY(delivered.empty()); // never inside put(): on the receiver's event loop
        QTRY_COMPARE(delivered.size(), size_t(1));
        QCOMPARE(delivered.front(), 100);
        QTest::qWait(60);
        QCOMPARE(delivered.size(), size_t(1)); // nothing new was put
    }

    // After a delivery, the next waits for the interval.
    void deliveriesAreRateLimited()
    {
        QObject receiver;
        std::vector<int> delivered;
        QElapsedTimer clock;
        std::vector<qint64> at;
        plugins::LatestValue<int> relay(&receiver, 200, [&](int value) {
            delivered.push_back(value);
            at.push_back(clock.elapsed());
        });
        clock.start();
        relay.put(1);
        QTRY_COMPARE(delivered.size(), size_t(1));
        relay.put(2);
        relay.put(3);
        QTest::qWait(50);
        QCOMPARE(delivered.size(), size_t(1)); // 2 and 3 wait for the interval
        QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), size_t(2), 2000);
        QCOMPARE(delivered, std::vector<int>({1, 3}));
        QVERIFY2(at[1] - at[0] >= 180, qPrintable(QString::number(at[1] - at[0])));
    }

    // A worker thread putting as fast as it can: few deliveries, the last one its last value.
    void valuesFromAnotherThreadArriveOnTheReceiverThread()
    {
        QObject receiver;
        std::vector<int> delivered;
        std::atomic<bool> onReceiverThread{true};
        plugins::LatestValue<int> relay(&receiver, 30, [&](int value) {
            if (QThread::currentThread() != receiver.thread())
                onReceiverThread = false;
            delivered.push_back(value);
        });
        std::thread worker([&] {
            for (int i = 1; i <= 20000; ++i)
                relay.put(i);
        });
        QTRY_VERIFY_WITH_TIMEOUT(!delivered.empty() && delivered.back() == 20000, 10000);
        worker.join();
        QTest::qWait(80);
        QVERIFY(onReceiverThread);
        QCOMPARE(delivered.back(), 20000);
        QVERIFY2(delivered.size() < 200, qPrintable(QString::number(delivered.size())));
        for (size_t i = 1; i < delivered.size(); ++i)
            QVERIFY(delivered[i] > delivered[i - 1]);
    }

    void flushDeliversAtOnce()
    {
        QObject receiver;
        std::vector<int> delivered;
        plugins::LatestValue<int> relay(&receiver, 1000, [&](int value) { delivered.push_back(value); });
        relay.flush();
        QVERIFY(delivered.empty()); // nothing waiting
        relay.put(7);
        relay.flush();
        QCOMPARE(delivered, std::vector<int>({7}));
        QTest::qWait(30);
        QCOMPARE(delivered, std::vector<int>({7})); // the scheduled delivery finds nothing left
    }

    void nothingArrivesAfterTheReceiverIsGone()
    {
        auto receiver = std::make_unique<QObject>();
        int deliveries = 0;
        plugins::LatestValue<int> relay(receiver.get(), 10, [&](int) { ++deliveries; });
        relay.put(1);
        receiver.reset();
        QTest::qWait(50);
        QCOMPARE(deliveries, 0);
    }
};

QTEST_MAIN(TestPanelKit)
#include "tst_panelkit.moc"
