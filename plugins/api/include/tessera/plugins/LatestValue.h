#pragma once
// A rate-limited relay for live values (frames of a running job, metric snapshots): put() from
// any thread keeps only the newest value; the receiver's thread (the GUI thread) gets it through
// deliver at most once per interval, and the last value put always arrives. Nothing is
// delivered after the receiver is destroyed. Construct on the receiver's thread.

#include <QElapsedTimer>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace tessera::plugins {

template <class T> class LatestValue {
public:
    LatestValue(QObject *receiver, int intervalMilliseconds, std::function<void(T)> deliver)
        : m_state(std::make_shared<State>())
    {
        m_state->receiver = receiver;
        m_state->interval = intervalMilliseconds;
        m_state->deliver = std::move(deliver);
    }

    // Any thread: replaces the value waiting for delivery.
    void put(T value)
    {
        std::lock_guard lock(m_state->mutex);
        m_state->value = std::move(value);
        if (m_state->scheduled)
            return;
        m_state->scheduled = true;
        QMetaObject::invokeMethod(
            m_state->receiver.data(), [state = m_state] { schedule(state); }, Qt::QueuedConnection);
    }

    // Receiver's thread: delivers a waiting value now.
    void flush() { deliverNow(m_state); }

private:
    struct State {
        std::mutex mutex;
        std::optional<T> value;
        bool scheduled = false;
        QPointer<QObject> receiver;
        int interval = 33;
        QElapsedTimer sinceDelivery;
        std::function<void(T)> deliver;
    };

    static void schedule(const std::shared_ptr<State> &state)
    {
        if (!state->receiver)
            return;
        const qint64 elapsed = state->sinceDelivery.isValid() ? state->sinceDelivery.elapsed() : state->interval;
        if (elapsed >= state->interval)
            deliverNow(state);
        else
            QTimer::singleShot(int(state->interval - elapsed), state->receiver.data(), [state] { deliverNow(state); });
    }

    static void deliverNow(const std::shared_ptr<State> &state)
    {
        std::optional<T> value;
        {
            std::lock_guard lock(state->mutex);
            value = std::exchange(state->value, std::nullopt);
            state->scheduled = false;
        }
        if (!value || !state->receiver)
            return;
        state->sinceDelivery.start();
        state->deliver(std::move(*value));
    }

    std::shared_ptr<State> m_state;
};

} // namespace tessera::plugins
