#include "tessera/plugins/ImageSourceBox.h"

#include "tessera/core/VisionLens.h"
#include "tessera/widgets/ImageGridView.h"

#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QSignalBlocker>
#include <QSpinBox>

namespace tessera::plugins {

ImageSourceBox::ImageSourceBox(Handler handler, QWidget *parent)
    : QGroupBox(tr("Image"), parent), m_handler(std::move(handler)), m_layout(new QFormLayout(this))
{
    m_description = new QLabel(tr("none"));
    m_description->setWordWrap(true);
    m_layout->addRow(m_description);
    auto *buttons = new QHBoxLayout;
    auto *open = new QPushButton(tr("Open image\u2026"));
    open->setToolTip(tr("PNG, JPEG, BMP, TIFF or WebP; you can also drop a file on the window or paste (Ctrl+V)"));
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open an image"), QFileInfo(m_filePath).path(),
                                                          tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"));
        QString error;
        if (!path.isEmpty() && !openFile(path, &error))
            emit failed(error);
    });
    auto *pasteButton = new QPushButton(tr("Paste"));
    pasteButton->setObjectName(QStringLiteral("paste"));
    pasteButton->setToolTip(tr("Use the image on the clipboard (Ctrl+V)"));
    connect(pasteButton, &QPushButton::clicked, this, [this] {
        QString error;
        if (!paste(&error))
            emit failed(error);
    });
    buttons->addWidget(open);
    buttons->addWidget(pasteButton);
    m_layout->addRow(buttons);
}

bool ImageSourceBox::isImageFile(const QString &path)
{
    static const QStringList images{"png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp"};
    return images.contains(QFileInfo(path).suffix().toLower());
}

bool ImageSourceBox::openFile(const QString &path, QString *error)
{
    try {
        // Decoded as RGB; a grey model converts it (Rec. 601 luminance) when it is preprocessed.
        Image8 image = readImage(path.toStdString(), 3);
        m_filePath.clear();
        if (!m_handler(std::move(image), QFileInfo(path).fileName(), error))
            return false;
        m_filePath = QFileInfo(path).absoluteFilePath();
        return true;
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
}

bool ImageSourceBox::paste(QString *error)
{
    const QImage image = QApplication::clipboard()->image();
    if (image.isNull()) {
        if (error)
            *error = tr("the clipboard holds no image");
        return false;
    }
    m_filePath.clear();
    return m_handler(widgets::pixelsFromImage(image), tr("pasted image"), error);
}

void ImageSourceBox::setDescription(const QString &text)
{
    m_description->setText(text);
}

void ImageSourceBox::pasteOnShortcutIn(QWidget *scope)
{
    auto *shortcut = new QShortcut(QKeySequence::Paste, scope, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    auto *button = findChild<QPushButton *>(QStringLiteral("paste"));
    connect(shortcut, &QShortcut::activated, button, &QPushButton::click);
}

void ImageSourceBox::addFashionMnistSamples()
{
    m_sample = new QSpinBox;
    m_sample->setRange(0, 9999);
    m_sample->setToolTip(tr("A Fashion-MNIST test image (Debian's dataset-fashion-mnist), by index"));
    auto *use = new QPushButton(tr("Use"));
    use->setToolTip(m_sample->toolTip());
    connect(use, &QPushButton::clicked, this, [this] {
        QString error;
        if (!useSample(m_sample->value(), &error))
            emit failed(error);
    });
    connect(m_sample, &QSpinBox::editingFinished, use, &QPushButton::click);
    auto *row = new QHBoxLayout;
    row->addWidget(m_sample, 1);
    row->addWidget(use);
    m_layout->addRow(tr("Dataset sample"), row);
}

int ImageSourceBox::sampleIndex() const
{
    return m_sample ? m_sample->value() : 0;
}

std::shared_ptr<const ImageDataset> ImageSourceBox::fashionTest(QString *error)
{
    if (m_fashion)
        return m_fashion;
    try {
        m_fashion = std::make_shared<const ImageDataset>(loadFashionMnist("test"));
    } catch (const std::exception &e) {
        if (error)
            *error = tr("%1 (install dataset-fashion-mnist)").arg(QString::fromUtf8(e.what()));
    }
    return m_fashion;
}

bool ImageSourceBox::useSample(int index, QString *error)
{
    const auto dataset = fashionTest(error);
    if (!dataset)
        return false;
    try {
        Image8 image = vision::datasetImage(*dataset, index);
        const int64_t label = dataset->labels[size_t(index)];
        const QString name = tr("Fashion-MNIST test %1 (%2)")
                                 .arg(index)
                                 .arg(size_t(label) < dataset->labelNames.size()
                                          ? QString::fromStdString(dataset->labelNames[size_t(label)])
                                          : QString::number(label));
        if (m_sample) {
            const QSignalBlocker block(m_sample);
            m_sample->setValue(index);
        }
        m_filePath.clear();
        return m_handler(std::move(image), name, error);
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
}

} // namespace tessera::plugins
