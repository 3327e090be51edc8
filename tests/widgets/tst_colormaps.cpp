// The colour tables against the published end points of matplotlib's maps.

#include "tessera/widgets/ColorMaps.h"

#include <qcustomplot.h>

#include <QtTest>

using namespace tessera::widgets;

class TestColorMaps : public QObject {
    Q_OBJECT
private slots:
    void publishedEndPoints()
    {
        // viridis runs from #440154 to #fde725, magma from #000004 to #fcfdbf (van der Walt & Smith);
        // RdBu_r from #053061 to #67001f (ColorBrewer).
        QCOMPARE(QColor(colorMapColor(ColorMap::Viridis, 0.0)).name(), QString("#440154"));
        QCOMPARE(QColor(colorMapColor(ColorMap::Viridis, 1.0)).name(), QString("#fde725"));
        QCOMPARE(QColor(colorMapColor(ColorMap::Magma, 0.0)).name(), QString("#000004"));
        QCOMPARE(QColor(colorMapColor(ColorMap::Magma, 1.0)).name(), QString("#fcfdbf"));
        QCOMPARE(QColor(colorMapColor(ColorMap::Diverging, 0.0)).name(), QString("#053061"));
        QCOMPARE(QColor(colorMapColor(ColorMap::Diverging, 1.0)).name(), QString("#67001f"));
        QCOMPARE(QColor(colorMapColor(ColorMap::Grey, 1.0)).name(), QString("#ffffff"));
    }

    void perceptuallyOrdered()
    {
        // Luminance (and so CIE L*) rises monotonically through viridis and magma: their design property.
        auto linear = [](int channel) {
            const double c = channel / 255.0;
            return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
        };
        for (ColorMap map : {ColorMap::Viridis, ColorMap::Magma}) {
            double previous = -1.0;
            for (int i = 0; i <= 255; i += 5) {
                const QColor c(colorMapColor(map, i / 255.0));
                const double luminance =
                    0.2126 * linear(c.red()) + 0.7152 * linear(c.green()) + 0.0722 * linear(c.blue());
                QVERIFY2(luminance > previous, qPrintable(colorMapName(map) + QString(" at %1").arg(i)));
                previous = luminance;
            }
        }
    }

    void gradientMatchesTable()
    {
        // QCustomPlot's gradient gives each value the table entry colorMapColor gives (its
        // double-to-byte rounding may differ by one unit per channel).
        QCPColorGradient gradient = colorMapGradient(ColorMap::Magma);
        const QCPRange range(0.0, 1.0);
        for (double t : {0.0, 0.1, 0.33, 0.5, 0.77, 0.999, 1.0}) {
            QRgb rgb = 0;
            gradient.colorize(&t, range, &rgb, 1);
            const QColor got(rgb), expected(colorMapColor(ColorMap::Magma, t));
            QVERIFY2(std::abs(got.red() - expected.red()) <= 1 && std::abs(got.green() - expected.green()) <= 1 &&
                         std::abs(got.blue() - expected.blue()) <= 1,
                     qPrintable(QString("t = %1: %2 vs %3").arg(t).arg(got.name(), expected.name())));
        }
    }

    void names()
    {
        bool ok = false;
        QCOMPARE(colorMapFromName(" Magma ", &ok), ColorMap::Magma);
        QVERIFY(ok);
        colorMapFromName("jet", &ok);
        QVERIFY(!ok);
        QCOMPARE(colorMapNames().size(), 4);
    }
};

QTEST_MAIN(TestColorMaps)
#include "tst_colormaps.moc"
